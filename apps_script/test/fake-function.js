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
 * the `"action": "check"` answer, which no scenario records yet: it is built as docs/contract.md describes it
 * (test/check-answers.js), and a recording of it, once there is one, wins. The status refresh's answers are in
 * test/status-answers.js, from the same recordings.
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
  const requests = fixture.calls.map((call) => call.request);
  const first = requests[0];
  const sheet = new FakeSheet({ name: fixture.sheet.title, sheetId: fixture.sheet.sheet_id, rows: fixture.sheet.rows });
  if (first.ranges) sheet.select(first.ranges);
  const spreadsheet = new FakeSpreadsheet({ id: fixture.sheet.spreadsheet_id, sheets: [sheet] });
  // The settings that make the script send these bodies (a refresh's has no hide_menu; languages' has nothing).
  const run = requests.find((r) => 'hide_menu' in r);
  const withInterview = requests.find((r) => 'interview_id' in r);
  const personal = requests.find((r) => 'mojito_language_code' in r);
  const properties = {
    FUNCTION_URL: 'https://function.example/' + name,
    INTERVIEW_ID: withInterview ? withInterview.interview_id : 'no-interview-in-' + name,
    HIDE_MENU: String(run ? run.hide_menu : false),
    TEST_MODE: String(requests.some((r) => r.is_test === true)),
  };
  if (personal) properties.MOJITO_LANGUAGE_CODE = personal.mojito_language_code;
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

/** The action of a recorded request: "invite" when it names none. */
function actionOf(request) {
  return request.action || 'invite';
}

/**
 * The real function's row for a status: the first recorded answer row with that status, of an invitation run's
 * dry run or real run (a refresh's rows are status-answers.js's).
 * @param {boolean} dryRun whether the row is for a dry run (no `written`)
 * @param {string} status the row status
 * @return {Object} a copy of the recorded row
 */
function rowTemplate(dryRun, status) {
  if (!templates) {
    templates = new Map();
    for (const fixture of allFixtures()) {
      for (const call of fixture.calls) {
        if (actionOf(call.request) !== 'invite') continue;
        for (const row of call.answer.rows || []) {
          const key = call.request.dry_run + '|' + row.status;
          if (!templates.has(key)) templates.set(key, row);
        }
      }
    }
  }
  const template = templates.get(Boolean(dryRun) + '|' + status);
  if (!template) {
    throw new Error('no recorded ' + (dryRun ? 'dry-run' : 'real-run') + ' row with status ' + status + ': record one in ' + RECORDER);
  }
  return copy(template);
}

/** The fields of a recorded invitation answer's summary, in the function's order. */
function summaryFields() {
  const calls = allFixtures().flatMap((f) => f.calls).filter((c) => actionOf(c.request) === 'invite');
  return Object.keys(calls.find((c) => c.status === 200).answer.summary);
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

/** The recorded answer to `"action": "languages"` (Settings' list of JobMojito's languages). */
function recordedLanguages() {
  const call = allFixtures()
    .flatMap((f) => f.calls)
    .find((c) => c.request.action === 'languages' && c.status === 200);
  if (!call) throw new Error('no recorded answer to "action": "languages": record one in ' + RECORDER);
  return { status: call.status, body: copy(call.answer) };
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
 *     to `"action": "languages"` (default: the recorded one)
 * @return {((url: string, params: Object, body: Object) => {status: number, body: Object}) & {answers: Object[]}}
 *     a fetch handler; `answers` keeps every answer body it gave
 */
function fakeFunction(sheet, options = {}) {
  const columns = options.columns || { interview_url: 'D', result: 'E', profile_interview_id: 'F' };
  const answers = [];
  const handler = (_url, _params, body) => {
    if (body.action === 'languages') {
      const answered = options.languages ? options.languages(body) : recordedLanguages();
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

module.exports = {
  fakeFunction,
  replay,
  loadFixture,
  allFixtures,
  actionOf,
  rowTemplate,
  summarize,
  candidateRows,
  rowsOf,
  rangesOf,
  recordedLanguages,
  copy,
  fakeProblem,
  RECORDER,
};
