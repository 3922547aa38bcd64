'use strict';
/**
 * The function's answers to `"action": "status"` (Refresh interview status) and `"action": "languages"`, for any tab
 * and selection, from the recordings of the real function (test/fixtures/status_*.json and languages.json, written by
 * `make fixtures`): each row is the recorded row of the status the test picks, with this row's number and email, and
 * the status cells the test gives it (JobMojito's data: the stage, score, decision and update time); rows past
 * `budget` are the recorded `not_yet` row, listed in `remaining`. The summary is counted by the function's rules
 * (interview_status.summarize_refresh), checked against every recorded refresh answer by status-answers.test.js.
 *
 * What the recordings show (and the script relies on): every row of a refresh has `written: true` (the function
 * writes every row itself; a refresh whose write fails answers the error), `columns` names the four status columns
 * only, a settled row carries its `interview_url` when the record kept it and no `profile_interview_id`, and a
 * `not_yet` row is counted by no summary field (the call that refreshes it counts it).
 */
const { allFixtures, copy, rowsOf, rangesOf, recordedLanguages, RECORDER } = require('./fake-function');

/** The status columns of the fake's answers (right of candidateRows' six columns). */
const STATUS_COLUMNS = Object.freeze({ interview_status: 'G', score: 'H', decision: 'I', status_updated: 'J' });

/** The status cells of a candidate who completed and was selected. */
const COMPLETED_SELECTED = Object.freeze({
  interview_status: 'completed',
  score: 87,
  decision: 'selected',
  status_updated: '2026-11-30T09:15:00Z',
});

/** No record: the candidate has not started (as the function answers it). */
const NOT_STARTED = Object.freeze({ interview_status: 'not started', score: null, decision: '', status_updated: '' });

/** The four status cells, in the function's order. */
const STATUS_FIELDS = ['interview_status', 'score', 'decision', 'status_updated'];

/** Every recorded call of a status refresh. */
function recordedRefreshes() {
  return allFixtures().flatMap((f) => f.calls).filter((c) => c.request.action === 'status');
}

let templates = null;

/**
 * The real function's refresh row for a status: the first recorded refresh row with that status.
 * @param {string} status the row status
 * @return {Object} a copy of the recorded row
 */
function refreshRowTemplate(status) {
  if (!templates) {
    templates = new Map();
    for (const call of recordedRefreshes()) {
      for (const row of call.answer.rows || []) if (!templates.has(row.status)) templates.set(row.status, row);
    }
  }
  if (!templates.has(status)) throw new Error('no recorded refresh row with status ' + status + ': record one in ' + RECORDER);
  return copy(templates.get(status));
}

/** The summary fields of a refresh, in the function's order (from the recordings). */
function summaryFields() {
  const answer = recordedRefreshes().find((c) => c.status === 200);
  if (!answer) throw new Error('no recorded refresh: record one in ' + RECORDER);
  return Object.keys(answer.answer.summary);
}

/**
 * The summary of a refresh answer, by the function's rules: `rows` the rows answered (a not_yet row is counted by no
 * field), the stages and decisions of the rows that carry status cells, and the row statuses' counts. `changed`
 * counts the rows written: changed and settled rows, and still_pending rows, whose status cells the fake takes as
 * changed (the function counts a still_pending row only when its cells changed; the script reads no summary field but
 * the stages and decisions).
 * @param {Array<Object>} rows answer rows
 * @return {Object<string, number>} the summary
 */
function summarize(rows) {
  const summary = Object.fromEntries(summaryFields().map((f) => [f, 0]));
  for (const row of rows) {
    if (row.status === 'not_yet') continue;
    summary.rows++;
    if (['changed', 'settled', 'still_pending'].includes(row.status)) summary.changed++;
    if (['other_interview', 'settled', 'still_pending'].includes(row.status)) summary[row.status]++;
    if (!('interview_status' in row)) continue;
    const stage = row.interview_status;
    if (stage === 'completed') summary.completed++;
    else if (stage === 'started') summary.started++;
    else if (stage === 'invited' || stage === 'not started') summary.not_started++;
    if (row.decision === 'selected' || row.decision === 'rejected') summary[row.decision]++;
    else if (stage === 'completed' && !row.decision) summary.undecided++;
  }
  return summary;
}

/**
 * One refresh row: the recorded row of that status, with this row's number, email, status cells and link.
 * @param {Object} sheet the FakeSheet (email in column B)
 * @param {number} row the sheet row
 * @param {string} status the status
 * @param {{record?: (row: number) => Object}} options see statusFunction
 * @return {Object} the row
 */
function answerRow(sheet, row, status, options) {
  const answer = refreshRowTemplate(status);
  answer.row = row;
  answer.email = sheet.rowValues(row)[1];
  if ('interview_status' in answer) {
    const record = options.record ? options.record(row) : COMPLETED_SELECTED;
    for (const field of STATUS_FIELDS) answer[field] = record[field];
  }
  if ('interview_url' in answer) answer.interview_url = answer.interview_url.replace(/token=[^&]*/, 'token=row-' + row);
  return answer;
}

/**
 * A function answering `"action": "status"` for any selection of `sheet` (email in column B), and `"action":
 * "languages"`; any other call goes to `options.other` (e.g. fakeFunction), else is a problem of the fake.
 * @param {Object} sheet the FakeSheet
 * @param {{status?: (row: number) => string, record?: (row: number) => Object, budget?: number, retryAfter?: number,
 *     columns?: Object, takesMs?: number, error?: (body: Object) => ?{status: number, body: Object},
 *     languages?: () => {status: number, body: Object}, other?: Function}} options
 *     status: the row's status (default changed); record: its interview_status, score, decision and status_updated
 *     (default COMPLETED_SELECTED); budget: rows a call does, the rest `not_yet` in `remaining`; retryAfter:
 *     `retry_after_seconds` with `remaining`; error: an error answer for a call instead; languages: the answer to
 *     `"action": "languages"` (default: the recorded one)
 * @return {Function & {answers: Object[], bodies: Object[]}} a fetch handler
 */
function statusFunction(sheet, options = {}) {
  const answers = [];
  const bodies = [];
  const handler = (url, params, body) => {
    if (body.action === 'languages') {
      bodies.push(body);
      const answer = options.languages ? options.languages() : recordedLanguages();
      return { status: answer.status, body: copy(answer.body) };
    }
    if (body.action !== 'status') {
      if (options.other) return options.other(url, params, body);
      return { status: 500, body: { error: { code: 'internal_error', message: 'FAKE STATUS FUNCTION: not a status call' } } };
    }
    bodies.push(body);
    const failure = options.error && options.error(body);
    if (failure) return failure;
    let answer;
    try {
      const all = rowsOf(body.ranges).filter((r) => r > 1);
      const done = options.budget === undefined ? all.length : options.budget;
      const rows = all.map((row, i) =>
        answerRow(sheet, row, i >= done ? 'not_yet' : options.status ? options.status(row) : 'changed', options),
      );
      const remaining = rangesOf(all.slice(done));
      answer = { summary: summarize(rows), rows, columns: { ...(options.columns || STATUS_COLUMNS) }, remaining };
      if (remaining.length && options.retryAfter !== undefined) answer.retry_after_seconds = options.retryAfter;
    } catch (e) {
      return { status: 500, body: { error: { code: 'internal_error', message: 'FAKE STATUS FUNCTION: ' + e.message } } };
    }
    answers.push(answer);
    return { status: 200, body: copy(answer), takesMs: options.takesMs || 0 };
  };
  handler.answers = answers;
  handler.bodies = bodies;
  return handler;
}

/** The recorded answer to `"action": "languages"`. */
const LANGUAGES = Object.freeze(recordedLanguages().body);

module.exports = {
  COMPLETED_SELECTED,
  LANGUAGES,
  NOT_STARTED,
  STATUS_COLUMNS,
  recordedRefreshes,
  refreshRowTemplate,
  statusFunction,
  summarize,
};
