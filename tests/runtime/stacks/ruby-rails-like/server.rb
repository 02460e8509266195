# Starts like a Rails server: writes tmp/pids/server.pid, then serves
# /db (a query with DB_HOST/DB_USER/DB_PASS) and /health on port 3000.
require "fileutils"
require "webrick"
require "pg"

FileUtils.mkdir_p("tmp/pids")
File.write("tmp/pids/server.pid", Process.pid.to_s)
FileUtils.mkdir_p("log")
File.open("log/production.log", "a") { |f| f.puts("booted #{Time.now}") }

server = WEBrick::HTTPServer.new(Port: 3000, BindAddress: "0.0.0.0")
server.mount_proc("/health") { |_, res| res.body = "ok\n" }
server.mount_proc("/db") do |_, res|
  begin
    c = PG.connect(host: ENV["DB_HOST"], user: ENV["DB_USER"], password: ENV["DB_PASS"],
                   dbname: ENV["DB_NAME"], connect_timeout: 5)
    c.exec("CREATE TABLE IF NOT EXISTS hits (id int)")
    c.exec("INSERT INTO hits VALUES (1)")
    n = c.exec("SELECT count(*) FROM hits").getvalue(0, 0)
    u = c.exec("SELECT current_user").getvalue(0, 0)
    c.close
    res.body = "db ok postgres user=#{u} hits=#{n}\n"
  rescue StandardError => e
    $stderr.puts("db error: #{e.class}: #{e.message}")
    res.status = 500
    res.body = "error: #{e.message}\n"
  end
end
trap("TERM") { server.shutdown }
server.start
