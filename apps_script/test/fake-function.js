'use strict';
/**
 * The Cloud Function in unit tests, answering from recordings of the real function: test/fixtures/<scenario>.json,
 * written by `make fixtures` (sandbox/script_fixtures.py runs the real function against the Python sandbox).
 *
 * - replay(name): a recorded scenario as it happened: its tab, its selection and its answers, in order. Each
 *   request the script makes must be the recorded one; any other request is answered with an error whose message
 *   names the difference, so a test shows it instead of passing on an answer the function never gave.
 * - fakeFunction(sheet, options): any tab and selection (1,200 rows, filters, chunks); each row is answered with
 *   the real function's row for the status the test picks (a recorded row of that status, with this row's number
 *   and email), and rows past `budget` are `not_yet` and listed in `remaining`, as the function does it.
 * Neither holds a sentence or a rule of its own: texts, fields and shapes all come from the recordings, except for
 * what the contract added before `make fixtures` recorded it (the `recovered` status and summary field, the dry
 * run's `credits`, the `"action": "check"` answer): those are built as docs/contract.md describes them, with the
 * test's own sentences, and a recording of them, once there is one, wins.
 */
const fs = require('node:fs');
const path = require('node:path');
const { FakeSheet, FakeSpreadsheet } = require('./fakes');

const FIXTURES_DIR = path.join(__dirname, 'fixtures');
/** Where the fixtures come from, for messages. */
const RECORDER = 'sandbox/script_fixtures.py (make fixtures)';

/**
 * Reads one recorded scenario.
 * @param {string} name the scenario, e.g. "menu_run"
 * @return {{scenario: string, sheet: {spreadsheet_id: string, sheet_id: number, title: string, rows: string[][]},
 *     calls: Array<{request: Object, status: number, answer: Object}>}} the fixture
 */
function loadFixture(name) {
  const file = path.join(FIXTURES_DIR, name + '.json');
  if (!fs.existsSync(file)) throw new Error('No fixture ' + file + ': add the scenario to ' + RECORDER + '.');
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

let recorded = null;

/** Every recorded scenario, in file name order (read once; use copies). */
function allFixtures() {
  if (!recorded) {
    recorded = fs
      .readdirSync(FIXTURES_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => loadFixture(f.slice(0, -'.json'.length)));
  }
  return recorded;
}

/** A deep copy of a JSON value, so a test cannot change a recording. */
function copy(value) {
  return JSON.parse(JSON.stringify(value));
}

/** An answer that makes the script show a problem of the fake itself, since the script reads any throw as "unreachable". */
function fakeProblem(message) {
  return { status: 500, body: { error: { code: 'internal_error', message: 'FAKE FUNCTION: ' + message } } };
}

/** Rows that A1 ranges such as "2:5" or "B7" touch. */
function rowsOf(ranges) {
  const rows = new Set();
  for (const range of ranges) {
    const m = /^[A-Z]*(\d+)(?::[A-Z]*(\d+))?$/.exec(range);
    if (!m) throw new Error('fake function: bad range ' + range);
    for (let r = Number(m[1]); r <= Number(m[2] || m[1]); r++) rows.add(r);
  }
  return [...rows].sort((a, b) => a - b);
}

/** Sorted rows as "N:M" ranges, consecutive rows merged, as the function writes `remaining`. */
function rangesOf(rows) {
  const ranges = [];
  for (const row of rows) {
    const last = ranges[ranges.length - 1];
    if (last && last[1] === row - 1) last[1] = row;
    else ranges.push([row, row]);
  }
  return ranges.map(([a, b]) => a + ':' + b);
}

/**
 * Replays a recorded scenario. The returned sheet holds the recorded tab with the recorded first selection, and
 * `properties` are the settings that make the script send the recorded requests.
 * @param {string} name the scenario
 * @return {{fixture: Object, sheet: FakeSheet, spreadsheet: FakeSpreadsheet, properties: Object<string, string>,
 *     fetch: (url: string, params: Object, body: Object) => {status: number, body: Object}, problems: string[],
 *     answered: () => number}} what loadScript needs, the problems met (a request that differs from the
 *     recording) and how many recorded calls were answered
 */
function replay(name) {
  const fixture = loadFixture(name);
  const first = fixture.calls[0].request;
  const sheet = new FakeSheet({ name: fixture.sheet.title, sheetId: fixture.sheet.sheet_id, rows: fixture.sheet.rows });
  sheet.select(first.ranges);
  const spreadsheet = new FakeSpreadsheet({ id: fixture.sheet.spreadsheet_id, sheets: [sheet] });
  const properties = {
    FUNCTION_URL: 'https://function.example/' + name,
    INTERVIEW_ID: first.interview_id,
    HIDE_MENU: String(first.hide_menu),
  };
  const problems = [];
  let next = 0;
  const fetch = (_url, _params, body) => {
    const call = fixture.calls[next];
    const problem = !call
      ? 'scenario ' + name + ' has no call ' + (next + 1) + '; the script sent ' + JSON.stringify(body)
      : JSON.stringify(sorted(body)) !== JSON.stringify(sorted(call.request))
        ? 'scenario ' + name + ', call ' + (next + 1) + ': the script sent ' + JSON.stringify(sorted(body)) +
          ' but the recording has ' + JSON.stringify(sorted(call.request))
        : '';
    if (problem) {
      problems.push(problem);
      return fakeProblem(problem);
    }
    next++;
    return { status: call.status, body: copy(call.answer) };
  };
  return { fixture, sheet, spreadsheet, properties, fetch, problems, answered: () => next };
}

/** An object with its keys sorted, for comparing request bodies whatever their field order. */
function sorted(object) {
  return Object.fromEntries(Object.keys(object).sort().map((k) => [k, object[k]]));
}

let templates = null;

/**
 * Statuses of the contract that no recording has yet, each built from the recorded real-run row of another status
 * as docs/contract.md describes it: `recovered` is written like `ok` (result "ok", interview_url,
 * profile_interview_id, `written`), and nothing was sent for it. A dry-run row has no `written`.
 */
const NOT_YET_RECORDED = { recovered: 'ok', invited: 'ok', activated: 'ok', already_invited: 'ok' };

/**
 * The result texts of the personal invitation's statuses, as docs/contract.md gives them ("Row statuses"): JobMojito
 * emails the candidate, so no link comes back and `interview_url` is left out.
 */
const PERSONAL_RESULTS = {
  invited: 'Invited: JobMojito emailed the invitation',
  activated: 'Activated: JobMojito emailed the invitation (the candidate already had a profile)',
  already_invited: 'Skipped: already invited; JobMojito sent nothing',
};

/**
 * The real function's row for a status: the first recorded answer row with that status, in a dry run or a real run
 * (for a status of NOT_YET_RECORDED that no recording has, the row the contract describes).
 * @param {boolean} dryRun whether the row is for a dry run (no `written`)
 * @param {string} status the row status
 * @return {Object} a copy of the recorded row
 */
function rowTemplate(dryRun, status) {
  if (!templates) {
    templates = new Map();
    for (const fixture of allFixtures()) {
      for (const call of fixture.calls) {
        for (const row of call.answer.rows || []) {
          const key = call.request.dry_run + '|' + row.status;
          if (!templates.has(key)) templates.set(key, row);
        }
      }
    }
  }
  const template = templates.get(dryRun + '|' + status);
  if (!template && NOT_YET_RECORDED[status] && templates.has('false|' + NOT_YET_RECORDED[status])) {
    const row = copy(templates.get('false|' + NOT_YET_RECORDED[status]));
    row.status = status;
    if (PERSONAL_RESULTS[status]) {
      row.result = PERSONAL_RESULTS[status];
      delete row.interview_url;
    }
    if (dryRun) delete row.written;
    return row;
  }
  if (!template) {
    throw new Error('no recorded ' + (dryRun ? 'dry-run' : 'real-run') + ' row with status ' + status + ': record one in ' + RECORDER);
  }
  return copy(template);
}

/** Summary fields the contract added that recordings may not have yet (added after the recorded ones). */
const NOT_YET_RECORDED_SUMMARY = ['recovered'];

/** The fields of a recorded answer's summary, in the function's order (and the contract's newer ones). */
function summaryFields() {
  const calls = allFixtures().flatMap((f) => f.calls);
  const recordedFields = Object.keys(calls.find((c) => c.status === 200).answer.summary);
  return recordedFields.concat(NOT_YET_RECORDED_SUMMARY.filter((f) => !recordedFields.includes(f)));
}

/** Which summary field counts each status; checked against every recorded answer by fake-function.test.js. */
const COUNTED_AS = {
  would_send: null,
  ok: 'ok',
  recovered: 'recovered',
  registered: 'skipped',
  duplicate: 'skipped',
  interrupted: 'skipped',
  invalid: 'errors',
  error: 'errors',
  pending: 'pending',
  not_sent: 'not_sent',
  not_yet: 'not_yet',
  recovered: 'recovered',
  invited: 'ok',
  activated: 'ok',
  already_invited: 'skipped',
};

/**
 * A summary in the function's shape for answer rows (`sent`: the rows the call would send or sent and got an answer
 * for; the script reads no summary field, it counts the rows' statuses itself).
 * @param {Array<{status: string}>} rows answer rows
 * @return {Object<string, number>} the summary
 */
function summarize(rows) {
  const summary = Object.fromEntries(summaryFields().map((f) => [f, 0]));
  for (const row of rows) {
    summary.selected++;
    if (['would_send', 'ok', 'error', 'pending', 'invited', 'activated', 'already_invited'].includes(row.status)) summary.sent++;
    if (COUNTED_AS[row.status]) summary[COUNTED_AS[row.status]]++;
  }
  return summary;
}

/**
 * One answer row: the recorded row of that status, with this row's number and email, and links of its own.
 * @param {FakeSheet} sheet the sheet (email in column B)
 * @param {number} row the sheet row
 * @param {string} status the status to answer
 * @param {Object} body the request
 * @param {{result?: Function, written?: boolean | Function}} options see fakeFunction
 * @return {Object} the row
 */
function answerRow(sheet, row, status, body, options) {
  const answer = rowTemplate(body.dry_run, status);
  answer.row = row;
  answer.email = sheet.rowValues(row)[1];
  const result = options.result && options.result(row, body);
  if (typeof result === 'string') answer.result = result;
  if ('interview_url' in answer) answer.interview_url = answer.interview_url.replace(/token=[^&]*/, 'token=row-' + row);
  if ('profile_interview_id' in answer) answer.profile_interview_id = 'profile-interview-' + row;
  if ('written' in answer) answer.written = typeof options.written === 'function' ? options.written(row) : options.written !== false;
  return answer;
}

/** The recorded dry-run answers' `credits`, if a recording has the field (undefined until one does). */
function recordedCredits() {
  const call = allFixtures()
    .flatMap((f) => f.calls)
    .find((c) => c.request.dry_run && c.status === 200 && 'credits' in c.answer);
  return call ? copy(call.answer.credits) : undefined;
}

/** The recorded answer to `"action": "check"`, if a recording has one. */
function recordedCheck() {
  const call = allFixtures()
    .flatMap((f) => f.calls)
    .find((c) => c.request.action === 'check');
  return call ? { status: call.status, body: copy(call.answer) } : null;
}

/**
 * A function answering any selection of `sheet` with recorded row shapes.
 * @param {FakeSheet} sheet the sheet: column A name, column B email
 * @param {{status?: (row: number, body: Object) => string, result?: (row: number, body: Object) => (string|undefined),
 *     written?: boolean | ((row: number) => boolean), budget?: number, columns?: Object, retryAfter?: number,
 *     takesMs?: (body: Object, rows: Object[]) => number, credits?: (Object|null|((body: Object) => (Object|null))),
 *     check?: (body: Object) => {status: number, body: Object},
 *     languages?: (body: Object) => {status: number, body: Object}}} options
 *     status per row (default would_send in a dry run, else ok); result: a text of the test's own instead of the
 *     recorded one (for JobMojito's free-form `error` texts); written: whether the function wrote the row itself;
 *     budget: rows a real call does, the rest are not_yet and listed in `remaining`; retryAfter: the
 *     `retry_after_seconds` of an answer with `remaining` (the contract's field when Google's Sheets quota ran out);
 *     takesMs: how long the call takes, on the harness's virtual clock; credits: the dry run's `credits` (the
 *     JobMojito balance, null when it could not be read; default: the recorded one, none when no recording has it);
 *     check: the answer to `"action": "check"` (Test connection; default: the recorded one); languages: the answer
 *     to `"action": "languages"` (default: test/status-answers.js's LANGUAGES, in the contract's shape)
 * @return {((url: string, params: Object, body: Object) => {status: number, body: Object}) & {answers: Object[]}}
 *     a fetch handler; `answers` keeps every answer body it gave
 */
function fakeFunction(sheet, options = {}) {
  const columns = options.columns || { interview_url: 'D', result: 'E', profile_interview_id: 'F' };
  const answers = [];
  const handler = (_url, _params, body) => {
    if (body.action === 'languages') {
      // Built as docs/contract.md gives it ("Languages") until a recording has it.
      const { LANGUAGES } = require('./status-answers');
      const answered = options.languages ? options.languages(body) : { status: 200, body: LANGUAGES };
      answers.push(answered.body);
      return { status: answered.status, body: copy(answered.body) };
    }
    if (body.action === 'check') {
      const checked = options.check ? options.check(body) : recordedCheck();
      if (!checked) return fakeProblem('no recorded answer to "action": "check": pass the check option, or record one in ' + RECORDER);
      answers.push(checked.body);
      return { status: checked.status, body: copy(checked.body) };
    }
    let answer;
    try {
      const all = rowsOf(body.ranges).filter((r) => r !== 1);
      const done = body.dry_run || options.budget === undefined ? all.length : options.budget;
      const rows = all.map((row, i) => {
        const status = i >= done ? 'not_yet' : options.status ? options.status(row, body) : body.dry_run ? 'would_send' : 'ok';
        return answerRow(sheet, row, status, body, options);
      });
      const remaining = rangesOf(all.slice(done));
      answer = { summary: summarize(rows), rows, columns, remaining, dry_run: body.dry_run };
      if (remaining.length && options.retryAfter !== undefined) answer.retry_after_seconds = options.retryAfter;
      const credits = typeof options.credits === 'function' ? options.credits(body) : 'credits' in options ? options.credits : recordedCredits();
      if (body.dry_run && credits !== undefined) answer.credits = copy(credits);
    } catch (e) {
      return fakeProblem(e.message);
    }
    answers.push(answer);
    const takesMs = options.takesMs ? options.takesMs(body, answer.rows) : 0;
    return { status: 200, body: copy(answer), takesMs };
  };
  handler.answers = answers;
  return handler;
}

/** A sheet with a header row and `count` candidates in rows 2.., name in A and email in B. */
function candidateRows(count) {
  const rows = [['name', 'email', 'notes', 'interview_url', 'result', 'profile_interview_id']];
  for (let i = 1; i <= count; i++) rows.push(['Candidate ' + i, 'candidate' + i + '@example.com', '']);
  return rows;
}

module.exports = { fakeFunction, replay, loadFixture, allFixtures, rowTemplate, summarize, candidateRows, rowsOf };
