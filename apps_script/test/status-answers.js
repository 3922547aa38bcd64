'use strict';
/**
 * The function's answers to `"action": "status"` (Refresh interview status) and `"action": "languages"`, built by hand
 * exactly as docs/contract.md gives them ("Status refresh", "Languages"), for the unit and browser tests, until
 * `make fixtures` records them. The result sentences are the tests' own: the script switches on `status` and never
 * reads a `result`.
 */

/** The status columns the function announces by default (right of candidateRows' six columns). */
const STATUS_COLUMNS = Object.freeze({ interview_status: 'G', score: 'H', decision: 'I', status_updated: 'J' });

/** A record of a candidate who completed and was selected, as the answer row carries it. */
const COMPLETED_SELECTED = Object.freeze({
  interview_status: 'completed',
  score: 87,
  decision: 'selected',
  status_updated: '2026-11-30T09:15:00Z',
});

/** No record: the candidate has not started. */
const NOT_STARTED = Object.freeze({ interview_status: 'not started', score: null, decision: '', status_updated: '' });

/** The tests' own result sentences, by status (the script never reads them). */
const RESULTS = {
  changed: 'Status updated',
  unchanged: 'Status unchanged',
  other_interview: 'Left alone: another interview',
  settled: 'ok',
  still_pending: 'Pending: JobMojito does not know this candidate yet',
  invalid: 'Error: email is empty',
  not_yet: 'Not sent yet: the function\'s time ran out; the next call continues',
};

/** Rows that A1 ranges such as "2:5" touch, row 1 left out. */
function rowsOf(ranges) {
  const rows = new Set();
  for (const range of ranges) {
    const m = /^[A-Z]*(\d+)(?::[A-Z]*(\d+))?$/.exec(range);
    if (!m) throw new Error('status function: bad range ' + range);
    for (let r = Number(m[1]); r <= Number(m[2] || m[1]); r++) if (r > 1) rows.add(r);
  }
  return [...rows].sort((a, b) => a - b);
}

/** Sorted rows as "N:M" ranges. */
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
 * The summary of a refresh answer, as the contract defines it: `rows` the rows answered (not_yet left out), the
 * interview stages and decisions of the answered rows, and the row statuses' counts.
 */
function summarize(rows) {
  const summary = {
    rows: 0, completed: 0, started: 0, not_started: 0, selected: 0, rejected: 0, undecided: 0, changed: 0,
    other_interview: 0, settled: 0, still_pending: 0,
  };
  for (const row of rows) {
    if (row.status === 'not_yet') continue;
    summary.rows++;
    if (['changed', 'settled', 'still_pending'].includes(row.status)) summary.changed++;
    if (row.status in summary && row.status !== 'changed') summary[row.status]++;
    if (!('interview_status' in row)) continue;
    if (row.interview_status === 'completed') {
      summary.completed++;
      if (row.decision === 'selected') summary.selected++;
      else if (row.decision === 'rejected') summary.rejected++;
      else summary.undecided++;
    } else if (row.interview_status === 'started') summary.started++;
    else summary.not_started++;
  }
  return summary;
}

/**
 * A function answering `"action": "status"` for any selection of `sheet` (email in column B), and `"action":
 * "languages"`; any other call goes to `options.other` (e.g. fakeFunction), else is a problem of the fake.
 * @param {Object} sheet the FakeSheet
 * @param {{status?: (row: number) => string, record?: (row: number) => Object, written?: (row: number) => boolean,
 *     budget?: number, retryAfter?: number, columns?: Object, takesMs?: number, error?: (body: Object) => ?{status: number, body: Object},
 *     languages?: () => {status: number, body: Object}, other?: Function}} options
 *     status: the row's status (default changed); record: its interview_status, score, decision and status_updated
 *     (default COMPLETED_SELECTED); written: whether the function wrote it (default true); budget: rows a call does,
 *     the rest `not_yet` in `remaining`; retryAfter: `retry_after_seconds` with `remaining`; error: an error answer
 *     for a call instead
 * @return {Function & {answers: Object[], bodies: Object[]}} a fetch handler
 */
function statusFunction(sheet, options = {}) {
  const answers = [];
  const bodies = [];
  const handler = (url, params, body) => {
    if (body.action === 'languages') {
      bodies.push(body);
      const answer = options.languages ? options.languages() : { status: 200, body: LANGUAGES };
      return { status: answer.status, body: JSON.parse(JSON.stringify(answer.body)) };
    }
    if (body.action !== 'status') {
      if (options.other) return options.other(url, params, body);
      return { status: 500, body: { error: { code: 'internal_error', message: 'FAKE STATUS FUNCTION: not a status call' } } };
    }
    bodies.push(body);
    const failure = options.error && options.error(body);
    if (failure) return failure;
    const all = rowsOf(body.ranges);
    const done = options.budget === undefined ? all.length : options.budget;
    const rows = all.map((row, i) => {
      const status = i >= done ? 'not_yet' : options.status ? options.status(row) : 'changed';
      const answer = { row, email: sheet.rowValues(row)[1], status, result: RESULTS[status] || status };
      if (['changed', 'unchanged', 'settled', 'still_pending'].includes(status)) {
        Object.assign(answer, options.record ? options.record(row) : COMPLETED_SELECTED);
      }
      if (status === 'settled') {
        answer.interview_url = 'https://app.jobmojito.example/interview?token=row-' + row;
        answer.profile_interview_id = 'profile-interview-' + row;
      }
      answer.written = options.written ? options.written(row) : true;
      return answer;
    });
    const remaining = rangesOf(all.slice(done));
    const answer = { summary: summarize(rows), rows, columns: { ...(options.columns || STATUS_COLUMNS) }, remaining };
    if (remaining.length && options.retryAfter !== undefined) answer.retry_after_seconds = options.retryAfter;
    answers.push(answer);
    return { status: 200, body: JSON.parse(JSON.stringify(answer)), takesMs: options.takesMs || 0 };
  };
  handler.answers = answers;
  handler.bodies = bodies;
  return handler;
}

/** The answer to `"action": "languages"`, sorted by English name, as the contract shows it. */
const LANGUAGES = Object.freeze({
  languages: [
    { code: 'en', name: 'English', local_name: 'English' },
    { code: 'fr', name: 'French', local_name: 'Français' },
    { code: 'de', name: 'German', local_name: 'Deutsch' },
    { code: 'pt-BR', name: 'Portuguese (Brazil)', local_name: 'Português (Brasil)' },
  ],
});

module.exports = { COMPLETED_SELECTED, LANGUAGES, NOT_STARTED, STATUS_COLUMNS, statusFunction, summarize };
