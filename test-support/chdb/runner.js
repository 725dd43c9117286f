// ChdbEngine's side of the pipe: one chDB session (ClickHouse's engine in this process) on the data directory given
// as the only argument. Reads one JSON request per line on stdin, {"sql": "...", "format": "JSONEachRow"}, runs it
// and writes one JSON line on stdout: {"result": "<the output in that format>"} or {"error": "<ClickHouse's
// message>"}. A statement that returns nothing (DDL, INSERT) answers {"result": ""}. Requests run one at a time.
"use strict";
const path = require("path");
const readline = require("readline");

let Session;
try {
  ({ Session } = require(path.join(__dirname, "node_modules", "chdb")));
} catch (e) {
  process.stdout.write(JSON.stringify({ fatal: "chDB is not installed (" + e.message.split("\n")[0] + ")" }) + "\n");
  process.exit(2);
}

const dataDir = process.argv[2];
if (!dataDir) {
  process.stdout.write(JSON.stringify({ fatal: "usage: node runner.js <data directory>" }) + "\n");
  process.exit(2);
}

let session;
try {
  session = new Session(dataDir);
  // The first line tells ChdbEngine the engine started, and which version it is.
  process.stdout.write(JSON.stringify({ version: session.query("SELECT version()", "TSV").trim() }) + "\n");
} catch (e) {
  process.stdout.write(JSON.stringify({ fatal: "chDB did not start on " + dataDir + ": " + e.message }) + "\n");
  process.exit(2);
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  if (line.trim() === "") {
    return;
  }
  let answer;
  try {
    const request = JSON.parse(line);
    answer = { result: String(session.query(request.sql, request.format || "TabSeparated") || "") };
  } catch (e) {
    answer = { error: e.message };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
lines.on("close", () => {
  session.close();
});
