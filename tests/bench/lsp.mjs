// lsp.mjs DOCKFIX DIR - a benchmark, not a test: the time from a change of
// a 1,000-line compose file in the editor to its published diagnostics,
// measured with the reference LSP client (the goal is at most 50 ms; it
// includes the server's 15 ms quiet period). Prints median and 90th
// percentile over 30 changes.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, InitializeRequest,
  DidOpenTextDocumentNotification, DidChangeTextDocumentNotification, PublishDiagnosticsNotification,
  ShutdownRequest, ExitNotification,
} from 'vscode-languageserver-protocol/node.js';

const [bin, dir] = process.argv.slice(2);
const lines = ['services:'];
for (let i = 0; lines.length < 1000; i++)
  lines.push(`  svc${i}:`, `    image: postgres:17.5`, `    environment:`, `      POSTGRES_PASSWORD: postgres`,
    `      APP_MODE: production`, `    ports:`, `      - "${5000 + i}:5432"`, `    volumes:`, `      - data${i}:/var/lib/postgresql/data`,
    `    restart: unless-stopped`);
const text = lines.slice(0, 1000).join('\n') + '\n';
const file = join(dir, 'compose.yaml');
writeFileSync(file, text);
const uri = pathToFileURL(file).href;
const child = spawn(bin, ['lsp'], { cwd: dir, stdio: ['pipe', 'pipe', 'inherit'] });
const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
let waiting = null;
conn.onNotification(PublishDiagnosticsNotification.type, (p) => { if (waiting && p.version === waiting.v) waiting.resolve(p); });
conn.listen();
const timeout = (ms) => new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), ms));
const publish = (v, send) => Promise.race([new Promise((resolve) => { waiting = { v, resolve }; send(); }), timeout(10000)]);
await conn.sendRequest(InitializeRequest.type, { processId: null, rootUri: pathToFileURL(dir).href, capabilities: {} });
const first = await publish(1, () => conn.sendNotification(DidOpenTextDocumentNotification.type,
  { textDocument: { uri, languageId: 'dockercompose', version: 1, text } }));
const times = [];
for (let v = 2; v <= 31; v++) {
  const changed = text.replace('APP_MODE: production', `APP_MODE: production${v}`);
  const t0 = process.hrtime.bigint();
  await publish(v, () => conn.sendNotification(DidChangeTextDocumentNotification.type,
    { textDocument: { uri, version: v }, contentChanges: [{ text: changed }] }));
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
times.sort((a, b) => a - b);
const med = times[Math.floor(times.length / 2)], p90 = times[Math.floor(times.length * 0.9)];
console.log(`lsp: 1,000-line compose file, ${first.diagnostics.length} diagnostics: change -> diagnostics median ${med.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms (goal <= 50 ms) ${med <= 50 ? 'met' : 'NOT met'}`);
await conn.sendRequest(ShutdownRequest.type);
await conn.sendNotification(ExitNotification.type);
