'use strict';
/**
 * The benchmark's recruiter: runs the menu item "Generate interview links" on a selection, the way the end-to-end
 * test does (the script's own files in the test harness's fakes, a real clock, Apps Script's 6-minute and 60 s
 * limits), against the real function and the Python sandbox's Sheets stand-in, and reports what happened as JSON.
 *
 * Started by `bench/run.py` (make bench), which starts the servers and passes:
 *   BENCH_FUNCTION_URL       the function (behind the Cloud-Run-like proxy)
 *   BENCH_SHEETS_API_URL     the Sheets API stand-in's base URL
 *   BENCH_SPREADSHEET_ID     the seeded spreadsheet
 *   BENCH_SHEET_TITLE        its tab of candidates
 *   BENCH_SELECTION          the recruiter's selection, one A1 range (e.g. "A2:B1001")
 *   BENCH_ID_TOKEN           what ScriptApp.getIdentityToken() returns
 *   BENCH_ACCESS_TOKEN       what ScriptApp.getOAuthToken() returns (the function spends its Sheets quota)
 *   BENCH_SPREADSHEETAPP_TOKEN  the token the fake SpreadsheetApp reads and writes with (unmetered: SpreadsheetApp
 *                            calls are not Sheets API quota)
 *   BENCH_INTERVIEW_ID       an interview the JobMojito stand-in knows
 *   BENCH_MAX_RUNS           how many times the recruiter runs the menu item while the closing dialog says to run
 *                            it again (default 3; after a minute when it says to wait one)
 *   BENCH_OUTPUT             the file to write the report to
 *
 * The confirmation is accepted at once (no reading time). Each call to the function is timed here; the report
 * holds, per menu run: when it started and ended (ms since epoch), every call (start, end, rows asked for, dry run
 * or not, status, error code, rows answered `remaining`, the wait asked for), the dialogs, the toasts, the waits
 * the script made, and how the execution ended.
 */
const fs = require('node:fs');
const { loadScript, FakeSheet, FakeSpreadsheet, realClock } = require('../test/fakes');
const { syncRequest } = require('../test/sync-http');
const { SheetsHttpBackend } = require('../test/sheets-http');

const REQUIRED = [
  'BENCH_FUNCTION_URL',
  'BENCH_SHEETS_API_URL',
  'BENCH_SPREADSHEET_ID',
  'BENCH_SHEET_TITLE',
  'BENCH_SELECTION',
  'BENCH_ID_TOKEN',
  'BENCH_ACCESS_TOKEN',
  'BENCH_SPREADSHEETAPP_TOKEN',
  'BENCH_INTERVIEW_ID',
  'BENCH_OUTPUT',
];

/** Rows in "N:M" ranges (the script sends whole-row ranges). */
function rowCount(ranges) {
  return (ranges || []).reduce((n, range) => {
    const [first, last = first] = String(range).replace(/^.*!/, '').split(':').map((a1) => Number(a1.replace(/^[A-Z]*/i, '')));
    return n + (Number.isFinite(first) && Number.isFinite(last) ? Math.abs(last - first) + 1 : 0);
  }, 0);
}

/** One run of the menu item; every call to the function is timed and summarized. */
function menuRun(env, spreadsheet) {
  const calls = [];
  const run = loadScript({
    spreadsheet,
    properties: { FUNCTION_URL: env.BENCH_FUNCTION_URL, INTERVIEW_ID: env.BENCH_INTERVIEW_ID, HIDE_MENU: 'false' },
    identityToken: env.BENCH_ID_TOKEN,
    oauthToken: env.BENCH_ACCESS_TOKEN,
    clock: realClock(),
    fetch: (url, params, body, { timeoutMs }) => {
      const call = { start: Date.now(), end: 0, dryRun: body.dry_run, rows: rowCount(body.ranges), status: 0 };
      calls.push(call);
      let answer;
      try {
        const headers = { ...params.headers, 'Content-Type': params.contentType };
        answer = syncRequest({ method: params.method.toUpperCase(), url, headers, body: params.payload, timeoutMs });
      } catch (e) {
        call.end = Date.now();
        call.thrown = String(e.message || e);
        throw e;
      }
      call.end = Date.now();
      call.status = answer.status;
      let data = null;
      try {
        data = JSON.parse(answer.text);
      } catch (_e) {
        call.code = 'not_json';
      }
      if (data && typeof data === 'object') {
        if (data.error && typeof data.error === 'object') call.code = data.error.code;
        if (Array.isArray(data.remaining)) call.remaining = rowCount(data.remaining);
        const wait = data.retry_after_seconds !== undefined ? data.retry_after_seconds : data.error && data.error.retry_after_seconds;
        if (typeof wait === 'number') call.retryAfterSeconds = wait;
        if (data.summary) call.summary = data.summary;
        if (Array.isArray(data.rows)) call.notWritten = data.rows.filter((row) => row && row.written === false).length;
      }
      return { status: answer.status, body: answer.text, headers: answer.headers };
    },
  });
  const startedAt = Date.now();
  run.context.generateInterviewLinks();
  return {
    startedAt,
    endedAt: Date.now(),
    calls,
    alerts: run.ui.alerts.map((a) => ({ prompt: a.prompt, buttons: a.buttons })),
    toasts: run.spreadsheet.toasts.map((t) => t.msg),
    sleeps: run.sleeps.slice(),
    executions: run.executions.map((e) => ({ function: e.function, ms: e.endedAt - e.startedAt, error: e.error || '' })),
  };
}

function main() {
  const env = process.env;
  const missing = REQUIRED.filter((name) => !env[name]);
  if (missing.length) {
    process.stderr.write('menu-run.js is started by bench/run.py (make bench); missing: ' + missing.join(', ') + '\n');
    process.exit(2);
  }
  const backend = new SheetsHttpBackend({
    baseUrl: env.BENCH_SHEETS_API_URL,
    spreadsheetId: env.BENCH_SPREADSHEET_ID,
    title: env.BENCH_SHEET_TITLE,
    token: env.BENCH_SPREADSHEETAPP_TOKEN,
  });
  const sheet = new FakeSheet({ name: env.BENCH_SHEET_TITLE, sheetId: backend.sheetId(), backend });
  const spreadsheet = new FakeSpreadsheet({ id: env.BENCH_SPREADSHEET_ID, sheets: [sheet] });
  sheet.select([env.BENCH_SELECTION]);
  const maxRuns = Number(env.BENCH_MAX_RUNS || 3);
  const runs = [];
  for (let i = 0; i < maxRuns; i++) {
    spreadsheet.toasts.length = 0;
    const run = menuRun(env, spreadsheet);
    runs.push(run);
    const last = run.alerts.length ? run.alerts[run.alerts.length - 1].prompt : '';
    if (!/run it again on the same selection/i.test(last)) break;
    // As the dialog says: "Wait a minute, then run it again" (Google Sheets' quota).
    if (/wait a minute/i.test(last)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  }
  fs.writeFileSync(env.BENCH_OUTPUT, JSON.stringify({ runs }));
}

main();
