'use strict';
/**
 * A small stand-in for the Python sandbox, so that the end-to-end harness can be checked before the
 * Python side is ready: one HTTP server with a minimal Sheets API v4 (spreadsheets.get, values.get,
 * values.update RAW) and a minimal function that follows the HTTP contract (row statuses, dry run, already
 * registered, a per-call budget with `not_yet` rows listed in `remaining`), at /function and, with a budget of
 * 2 rows per call and 1 s per real call, at /function-short-budget. It prints its base URL on stdout and serves until
 * killed.
 * It checks the same headers the real function checks. Not a model of the real function's logic: its result
 * texts are its own (the script never reads them).
 */
const http = require('node:http');

const { SPREADSHEET_ID, TITLE, ID_TOKEN, ACCESS_TOKEN, INTERVIEW_ID } = require('./mock-world-constants');
/** Rows the mock function handles per call before answering with `remaining`, by path. */
const BUDGETS = { '/function': 60, '/function-short-budget': 2 };
/** How long a real call takes, by path: the short-budget function's JobMojito takes 1 s a batch. */
const LATENCY_MS = { '/function': 0, '/function-short-budget': 1000 };

const grid = [['Name', 'Email', 'Notes', 'Interview URL', 'Result', 'Profile interview ID']];
for (let i = 1; i <= 324; i++) grid.push(['Candidate ' + i, 'candidate' + i + '@example.com']);
const registered = new Set();

/** 'Candidates'!D2:F2 -> {row: 2, col: 4}. */
function parseRange(text) {
  const m = /^'?(.*?)'?(?:!([A-Z]+)(\d+)(?::[A-Z]+\d+)?)?$/.exec(text);
  return { title: m[1].replace(/''/g, "'"), col: m[2] ? m[2].charCodeAt(0) - 64 : 1, row: m[3] ? Number(m[3]) : 1 };
}

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function rowsOf(ranges) {
  const rows = new Set();
  for (const r of ranges) {
    const m = /^[A-Z]*(\d+)(?::[A-Z]*(\d+))?$/.exec(r);
    for (let n = Number(m[1]); n <= Number(m[2] || m[1]); n++) if (n > 1) rows.add(n);
  }
  return [...rows].sort((a, b) => a - b);
}

function runFunction(req, body, res, budget) {
  if (req.headers.authorization !== 'Bearer ' + ID_TOKEN) return send(res, 401, { error: { code: 'unauthenticated', message: 'Bad identity token.' } });
  if (req.headers['x-sheets-access-token'] !== ACCESS_TOKEN) return send(res, 401, { error: { code: 'sheets_token_rejected', message: 'Bad access token.' } });
  if (body.spreadsheet_id !== SPREADSHEET_ID || body.sheet_id !== 0 || body.interview_id !== INTERVIEW_ID) {
    return send(res, 404, { error: { code: 'sheet_not_found', message: 'No such sheet.' } });
  }
  const all = rowsOf(body.ranges);
  const summary = { selected: all.length, sent: 0, ok: 0, errors: 0, skipped: 0, pending: 0, not_sent: 0, not_yet: 0 };
  const rows = all.map((row, i) => {
    const email = grid[row - 1][1];
    const written = body.dry_run ? {} : { written: true };
    if (i >= budget) {
      summary.not_yet++;
      return { row, email, status: 'not_yet', result: 'mock: later', ...written };
    }
    if (registered.has(email) && !body.force) {
      summary.skipped++;
      return { row, email, status: 'registered', result: 'mock: registered before', ...written };
    }
    summary.sent++;
    if (body.dry_run) return { row, email, status: 'would_send', result: 'mock: would go' };
    registered.add(email);
    summary.ok++;
    const url = 'https://interview.example/' + encodeURIComponent(email);
    // Every third row is left for the script to write (written: false).
    const done = row % 3 !== 0;
    if (done) Object.assign(grid[row - 1], { 3: url, 4: 'ok', 5: 'pi-' + row });
    return { row, email, status: 'ok', result: 'ok', interview_url: url, profile_interview_id: 'pi-' + row, written: done };
  });
  const remaining = all.slice(budget).map((r) => r + ':' + r);
  send(res, 200, { summary, rows, columns: { interview_url: 'D', result: 'E', profile_interview_id: 'F' }, remaining, dry_run: body.dry_run });
}

function sheets(req, url, body, res) {
  if (req.headers.authorization !== 'Bearer ' + ACCESS_TOKEN) return send(res, 401, { error: { code: 401, message: 'bad token' } });
  const m = /^\/v4\/spreadsheets\/([^/]+)(?:\/values\/([^/?]+))?$/.exec(url.pathname);
  if (!m || m[1] !== SPREADSHEET_ID) return send(res, 404, { error: { code: 404, message: 'Requested entity was not found.' } });
  if (!m[2]) return send(res, 200, { sheets: [{ properties: { sheetId: 0, title: TITLE } }] });
  const range = parseRange(decodeURIComponent(m[2]));
  if (range.title !== TITLE) return send(res, 400, { error: { code: 400, message: 'Unable to parse range' } });
  if (req.method === 'GET') return send(res, 200, { range: TITLE, majorDimension: 'ROWS', values: grid.map((r) => Array.from(r, (v) => v || '')) });
  if (url.searchParams.get('valueInputOption') !== 'RAW') return send(res, 400, { error: { code: 400, message: 'RAW expected' } });
  body.values.forEach((line, i) => line.forEach((v, j) => { grid[range.row - 1 + i][range.col - 1 + j] = v; }));
  return send(res, 200, { updatedRange: body.range });
}

const server = http.createServer((req, res) => {
  let data = '';
  req.on('data', (c) => (data += c));
  req.on('end', () => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const body = data ? JSON.parse(data) : undefined;
    if (req.method === 'POST' && BUDGETS[url.pathname]) {
      const delay = body && body.dry_run === false ? LATENCY_MS[url.pathname] : 0;
      return setTimeout(() => runFunction(req, body, res, BUDGETS[url.pathname]), delay);
    }
    return sheets(req, url, body, res);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write('http://127.0.0.1:' + server.address().port + '\n');
});
