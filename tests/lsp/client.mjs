// client.mjs DOCKFIX WORKDIR - drives `dockfix lsp` end to end with the
// reference client library of the Language Server Protocol
// (vscode-languageserver-protocol): open documents, diagnostics with exact
// ranges (UTF-16 positions, as LSP counts by default), code actions applied
// as an editor applies them, diagnostics gone afterwards, a new file created
// by a fix, related files re-published, hover, configuration, malformed
// messages answered with errors while the server keeps running, shutdown and
// exit. Every wait is bounded. Prints "lsp: N passed, M failed".
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter,
  InitializeRequest, InitializedNotification, DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification, DidCloseTextDocumentNotification,
  PublishDiagnosticsNotification, CodeActionRequest, HoverRequest,
  ShutdownRequest, ExitNotification, LogMessageNotification,
} from 'vscode-languageserver-protocol/node.js';

const [bin, dir] = process.argv.slice(2);
const WAIT_MS = 10000;
let pass = 0, fail = 0;
function check(name, cond, detail) {
  if (cond) { pass++; return; }
  fail++;
  console.log(`FAIL: ${name}${detail !== undefined ? ': ' + JSON.stringify(detail).slice(0, 600) : ''}`);
}
function bounded(promise, what) {
  let t;
  return Promise.race([promise, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`timeout: ${what}`)), WAIT_MS); })])
    .finally(() => clearTimeout(t));
}

// apply TextEdits to a string (positions in UTF-16 code units, like JS strings)
function offsetOf(text, pos) {
  let off = 0;
  for (let l = 0; l < pos.line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  const eol = text.indexOf('\n', off);
  const end = eol < 0 ? text.length : eol;
  return Math.min(off + pos.character, end);
}
function applyEdits(text, edits) {
  const sorted = [...edits].sort((a, b) => offsetOf(text, b.range.start) - offsetOf(text, a.range.start));
  for (const e of sorted)
    text = text.slice(0, offsetOf(text, e.range.start)) + e.newText + text.slice(offsetOf(text, e.range.end));
  return text;
}

// ------------------------------------------------------------ the project
mkdirSync(join(dir, 'api'), { recursive: true });
const files = {
  'Dockerfile': 'FROM alpine:3.22\nWORKDIR /app\nCOPY . .\nADD run.sh /app/run.sh\nUSER 10001\nCMD ["/app/run.sh"]\n',
  'compose.yaml': 'services:\n  db:\n    image: postgres:17.5\n    environment: {NOTE: "\u{1F600} caf\u00e9", POSTGRES_PASSWORD: postgres}\n',
  'api/Dockerfile': 'FROM alpine:3.22\nWORKDIR /app\nCOPY . .\nUSER 10001\nCMD ["/app/x"]\n',
};
for (const [p, t] of Object.entries(files)) writeFileSync(join(dir, p), t);
writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\nexec /app/x\n');
const uri = (p) => pathToFileURL(join(dir, p)).href;

// ------------------------------------------------------------ a client
function start() {
  const child = spawn(bin, ['lsp'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const diags = new Map(), waiters = [], logs = [], history = [];
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    diags.set(p.uri, p);
    history.push({ uri: p.uri, version: p.version });
    for (const w of [...waiters]) if (w.uri === p.uri && w.pred(p)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(p); }
  });
  conn.onNotification(LogMessageNotification.type, (p) => logs.push(p));
  conn.listen();
  const exited = new Promise((res) => child.on('exit', (code) => res(code)));
  return {
    child, conn, diags, logs, history, exited,
    // the next publication for `u` that satisfies pred (one already there counts)
    diagnostics(u, pred = () => true, what = 'diagnostics') {
      const have = diags.get(u);
      if (have && pred(have)) return Promise.resolve(have);
      return bounded(new Promise((resolve) => waiters.push({ uri: u, pred, resolve })), `${what} for ${u}`);
    },
    fresh(u, version, pred = () => true, what) {
      diags.delete(u);
      return this.diagnostics(u, (p) => (version === undefined || p.version === version) && pred(p), what);
    },
  };
}

const codes = (p) => p.diagnostics.map((d) => d.code).sort();

async function main() {
  const c = start();
  const init = await bounded(c.conn.sendRequest(InitializeRequest.type, {
    processId: process.pid, rootUri: pathToFileURL(dir).href,
    capabilities: { workspace: { workspaceEdit: { documentChanges: true, resourceOperations: ['create'] } } },
  }), 'initialize');
  const caps = init.capabilities;
  check('initialize: full text sync', caps.textDocumentSync && caps.textDocumentSync.change === 1, caps);
  check('initialize: code action kinds', JSON.stringify(caps.codeActionProvider.codeActionKinds) ===
    JSON.stringify(['quickfix', 'source.fixAll.dockfix']), caps.codeActionProvider);
  check('initialize: hover', caps.hoverProvider === true);
  check('initialize: utf-16 by default', caps.positionEncoding === 'utf-16', caps.positionEncoding);
  check('initialize: server info', init.serverInfo && init.serverInfo.name === 'dockfix');
  await c.conn.sendNotification(InitializedNotification.type, {});

  // --- a Dockerfile: diagnostics of the editor's text
  let text = files['Dockerfile'];
  await c.conn.sendNotification(DidOpenTextDocumentNotification.type,
    { textDocument: { uri: uri('Dockerfile'), languageId: 'dockerfile', version: 1, text } });
  let p = await c.diagnostics(uri('Dockerfile'), (x) => x.version === 1, 'open');
  const add = p.diagnostics.find((d) => d.code === 'DF402');
  check('DF402 diagnostic', add, p);
  if (add) {
    check('DF402 range', JSON.stringify(add.range) === JSON.stringify({ start: { line: 3, character: 0 }, end: { line: 3, character: 3 } }), add.range);
    check('DF402 source', add.source === 'dockfix');
    check('DF402 severity (low: information)', add.severity === 3, add.severity);
    check('DF402 codeDescription', add.codeDescription && /^https:\/\//.test(add.codeDescription.href), add.codeDescription);
  }
  check('DF105: COPY . . without .dockerignore', p.diagnostics.some((d) => d.code === 'DF105'), codes(p));

  // --- a quick fix, applied as the editor does; its diagnostic goes away
  let r = await bounded(c.conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: uri('Dockerfile') }, range: add.range, context: { diagnostics: [add] },
  }), 'codeAction');
  const qf = r.find((a) => a.kind === 'quickfix' && a.diagnostics && a.diagnostics[0].code === 'DF402');
  check('DF402 quick fix offered', qf, r);
  check('DF402 quick fix preferred (safe)', qf && qf.isPreferred === true, qf);
  const dc = qf && qf.edit.documentChanges;
  check('quick fix as documentChanges with the version', dc && dc[0].textDocument.version === 1, dc);
  text = applyEdits(text, dc[0].edits);
  check('quick fix text', text.includes('COPY run.sh /app/run.sh') && !text.includes('ADD '), text);
  await c.conn.sendNotification(DidChangeTextDocumentNotification.type,
    { textDocument: { uri: uri('Dockerfile'), version: 2 }, contentChanges: [{ text }] });
  p = await c.diagnostics(uri('Dockerfile'), (x) => x.version === 2, 'after the quick fix');
  check('DF402 gone after the fix', !p.diagnostics.some((d) => d.code === 'DF402'), codes(p));
  check('the file on disk is untouched (the server never writes)', readFileSync(join(dir, 'Dockerfile'), 'utf8') === files['Dockerfile']);

  // --- a related file: an open, unsaved .dockerignore changes the Dockerfile's findings
  const ign = '.git\n**/.env*\n**/*.pem\n**/*.key\n';
  await c.conn.sendNotification(DidOpenTextDocumentNotification.type,
    { textDocument: { uri: uri('.dockerignore'), languageId: 'ignore', version: 1, text: ign } });
  p = await c.fresh(uri('Dockerfile'), 2, (x) => !x.diagnostics.some((d) => d.code === 'DF105'), 're-published for .dockerignore');
  check('DF105 gone once the .dockerignore is open', !p.diagnostics.some((d) => d.code === 'DF105'), codes(p));
  await c.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: uri('.dockerignore') } });
  p = await c.fresh(uri('Dockerfile'), 2, (x) => x.diagnostics.some((d) => d.code === 'DF105'), 're-published after close');
  check('DF105 back once the .dockerignore is closed (not on disk)', p.diagnostics.some((d) => d.code === 'DF105'), codes(p));

  // --- fix all: the fix creates a file (CreateFile before its text)
  r = await bounded(c.conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: uri('Dockerfile') }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], only: ['source.fixAll'] },
  }), 'fixAll');
  const all = r.find((a) => a.kind === 'source.fixAll.dockfix');
  check('fix all offered for only: source.fixAll', all && r.every((a) => a.kind === 'source.fixAll.dockfix'), r);
  const ch = all ? all.edit.documentChanges : [];
  const create = ch.findIndex((x) => x.kind === 'create' && x.uri === uri('.dockerignore'));
  const fill = ch.findIndex((x) => x.textDocument && x.textDocument.uri === uri('.dockerignore'));
  check('fix all creates .dockerignore', create >= 0 && fill > create, ch);
  check('the created file has its text', fill >= 0 && applyEdits('', ch[fill].edits).includes('.git'), ch[fill]);

  // --- compose: positions after non-ASCII text are in UTF-16 code units
  const ctext = files['compose.yaml'];
  await c.conn.sendNotification(DidOpenTextDocumentNotification.type,
    { textDocument: { uri: uri('compose.yaml'), languageId: 'dockercompose', version: 7, text: ctext } });
  p = await c.diagnostics(uri('compose.yaml'), (x) => x.version === 7, 'compose');
  const pw = p.diagnostics.find((d) => d.code === 'DC102');
  const line3 = ctext.split('\n')[3];
  check('DC102 on the default password', pw, codes(p));
  if (pw) {
    check('DC102 line', pw.range.start.line === 3, pw.range);
    check('DC102 column in UTF-16 units', pw.range.start.character === line3.indexOf('POSTGRES_PASSWORD'), { got: pw.range.start, want: line3.indexOf('POSTGRES_PASSWORD') });
    check('DC102 critical or high: error', pw.severity === 1, pw.severity);
    check('no secret value in a message', !p.diagnostics.some((d) => d.message.includes('POSTGRES_PASSWORD: postgres')));
  }
  const h = await bounded(c.conn.sendRequest(HoverRequest.type, { textDocument: { uri: uri('compose.yaml') }, position: pw.range.start }), 'hover');
  check('hover shows the rule documentation', h && h.contents.kind === 'markdown' && h.contents.value.includes('DC102'), h);
  const none = await bounded(c.conn.sendRequest(HoverRequest.type, { textDocument: { uri: uri('compose.yaml') }, position: { line: 0, character: 0 } }), 'hover none');
  check('no hover where there is no finding', none === null, none);
  r = await bounded(c.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: uri('compose.yaml') }, range: pw.range, context: { diagnostics: [pw] } }), 'unsafe action');
  const rot = r.find((a) => a.diagnostics && a.diagnostics[0].code === 'DC102');
  // the rotation writes a generated password into a secret file: never sent to the editor
  check('a fix that writes a secret is not offered', !rot, rot);
  check('no action carries a secret file', r.every((a) => !JSON.stringify(a.edit || {}).includes('.env"')), r);

  // --- a syntax error is a diagnostic, at its position
  await c.conn.sendNotification(DidChangeTextDocumentNotification.type,
    { textDocument: { uri: uri('compose.yaml'), version: 8 }, contentChanges: [{ text: 'services:\n  db: [\n' }] });
  p = await c.diagnostics(uri('compose.yaml'), (x) => x.version === 8, 'syntax error');
  check('a parse error is one error diagnostic', p.diagnostics.length === 1 && p.diagnostics[0].severity === 1, p.diagnostics);

  // --- changes in a burst are checked once, for the last version
  const before = c.history.length;
  await c.conn.sendNotification(DidOpenTextDocumentNotification.type,
    { textDocument: { uri: uri('api/Dockerfile'), languageId: 'dockerfile', version: 1, text: files['api/Dockerfile'] } });
  for (let v = 2; v <= 6; v++)
    await c.conn.sendNotification(DidChangeTextDocumentNotification.type,
      { textDocument: { uri: uri('api/Dockerfile'), version: v }, contentChanges: [{ text: files['api/Dockerfile'] + '#'.repeat(v) + '\n' }] });
  await c.diagnostics(uri('api/Dockerfile'), (x) => x.version === 6, 'burst');
  const seen = c.history.slice(before).filter((x) => x.uri === uri('api/Dockerfile')).map((x) => x.version);
  check('a burst of changes is checked once', seen.length >= 1 && seen[seen.length - 1] === 6 && seen.length <= 2, seen);

  // --- closing clears the document's diagnostics
  await c.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: uri('compose.yaml') } });
  p = await c.fresh(uri('compose.yaml'), undefined, (x) => x.diagnostics.length === 0, 'close');
  check('close publishes no diagnostics', p.diagnostics.length === 0);

  await bounded(c.conn.sendRequest(ShutdownRequest.type), 'shutdown');
  await c.conn.sendNotification(ExitNotification.type);
  const code = await bounded(c.exited, 'exit');
  check('exit after shutdown: status 0', code === 0, code);

  // --- configuration from the workspace's .dockfix.yaml
  writeFileSync(join(dir, '.dockfix.yaml'), 'ignore: [DF105]\n');
  const c2 = start();
  await bounded(c2.conn.sendRequest(InitializeRequest.type, { processId: null, rootUri: pathToFileURL(dir).href, capabilities: {} }), 'initialize 2');
  await c2.conn.sendNotification(DidOpenTextDocumentNotification.type,
    { textDocument: { uri: uri('api/Dockerfile'), languageId: 'dockerfile', version: 1, text: files['api/Dockerfile'] } });
  p = await c2.diagnostics(uri('api/Dockerfile'), () => true, 'config');
  check('.dockfix.yaml ignore honoured', !p.diagnostics.some((d) => d.code === 'DF105'), codes(p));
  r = await bounded(c2.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: uri('api/Dockerfile') }, range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } }, context: { diagnostics: [] } }), 'actions without documentChanges');
  check('without documentChanges support, no action needs a new file', r.every((a) => a.edit && a.edit.changes && !a.edit.documentChanges), r);
  writeFileSync(join(dir, '.dockfix.yaml'), 'ignore: [DF105\n');
  await c2.conn.sendNotification(DidChangeTextDocumentNotification.type,
    { textDocument: { uri: uri('api/Dockerfile'), version: 2 }, contentChanges: [{ text: files['api/Dockerfile'] }] });
  await c2.diagnostics(uri('api/Dockerfile'), (x) => x.version === 2, 'bad config');
  check('a bad .dockfix.yaml is logged, not printed', c2.logs.some((l) => l.type === 1 && l.message.includes('.dockfix.yaml')), c2.logs);
  await bounded(c2.conn.sendRequest(ShutdownRequest.type), 'shutdown 2');
  await c2.conn.sendNotification(ExitNotification.type);
  await bounded(c2.exited, 'exit 2');

  // --- malformed messages: an error response, and the server goes on
  const raw = spawn(bin, ['lsp'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  raw.stdout.on('data', (d) => { out += d; });
  const frame = (s) => `Content-Length: ${Buffer.byteLength(s)}\r\n\r\n${s}`;
  raw.stdin.write(frame('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'));
  raw.stdin.write(frame('{"jsonrpc":"2.0","id":2,"method":'));                   // not JSON
  raw.stdin.write('Content-Type: x\r\n\r\n');                                    // no Content-Length
  raw.stdin.write(frame('{"jsonrpc":"2.0","id":3,"method":"no/such/method","params":{}}'));
  const half = frame('{"jsonrpc":"2.0","id":4,"method":"shutdown"}');
  raw.stdin.write(half.slice(0, 10));                                             // a partial read
  await new Promise((res) => setTimeout(res, 100));
  raw.stdin.write(half.slice(10));
  raw.stdin.write(frame('{"jsonrpc":"2.0","method":"exit"}'));
  raw.stdin.end();
  const rcode = await bounded(new Promise((res) => raw.on('exit', res)), 'raw exit');
  const msgs = [];
  for (let rest = out; rest.length;) {
    const m = /^Content-Length: (\d+)\r\n\r\n/.exec(rest);
    if (!m) break;
    const start = m[0].length, len = Number(m[1]);
    msgs.push(JSON.parse(Buffer.from(rest.slice(start)).subarray(0, len).toString()));
    rest = Buffer.from(rest.slice(start)).subarray(len).toString();
  }
  check('malformed JSON: a parse error response', msgs.some((m) => m.error && m.error.code === -32700 && m.id === null), msgs);
  check('missing Content-Length: an error response', msgs.filter((m) => m.error && m.error.code === -32700).length >= 2, msgs);
  check('unknown method: method not found', msgs.some((m) => m.id === 3 && m.error && m.error.code === -32601), msgs);
  check('the server kept running: shutdown answered', msgs.some((m) => m.id === 4 && m.result === null), msgs);
  check('exit status 0 after shutdown', rcode === 0, rcode);
}

main().catch((e) => { fail++; console.log(`FAIL: ${e.stack || e}`); })
  .finally(() => { console.log(`lsp: ${pass} passed, ${fail} failed`); process.exit(fail ? 1 : 0); });
