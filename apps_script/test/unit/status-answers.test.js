'use strict';
/**
 * The fake status function answers only what the real function answered to `"action": "status"` and `"action":
 * "languages"` (test/fixtures/, recorded by sandbox/script_fixtures.py): these tests keep it from inventing answers.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { FakeSheet } = require('../fakes');
const { candidateRows } = require('../fake-function');
const { statusFunction, recordedRefreshes, refreshRowTemplate, summarize, LANGUAGES } = require('../status-answers');

const BODY = { spreadsheet_id: 's', sheet_id: 0, action: 'status', interview_id: 'i' };
const REFRESH_STATUSES = ['changed', 'unchanged', 'other_interview', 'settled', 'still_pending', 'invalid', 'not_yet'];

test('the fake counts a refresh summary like the real function did in every recorded answer (changed within bounds)', () => {
  let checked = 0;
  for (const call of recordedRefreshes()) {
    const rows = call.answer.rows;
    const summary = summarize(rows);
    const recordedSummary = call.answer.summary;
    assert.deepEqual(Object.keys(summary), Object.keys(recordedSummary));
    assert.deepEqual({ ...summary, changed: 0 }, { ...recordedSummary, changed: 0 });
    // The function counts a still_pending row as changed only when its status cells changed; the fake always does.
    const count = (...statuses) => rows.filter((r) => statuses.includes(r.status)).length;
    assert.ok(recordedSummary.changed >= count('changed', 'settled'), JSON.stringify(recordedSummary));
    assert.ok(recordedSummary.changed <= count('changed', 'settled', 'still_pending'), JSON.stringify(recordedSummary));
    checked++;
  }
  assert.ok(checked >= 4, checked + ' answers checked');
});

test('a not_yet row is counted by no summary field: the call that refreshes it counts it', () => {
  const withNotYet = recordedRefreshes().find((c) => c.answer.rows.some((r) => r.status === 'not_yet'));
  assert.ok(withNotYet, 'a recorded refresh with a not_yet row');
  const answered = withNotYet.answer.rows.filter((r) => r.status !== 'not_yet').length;
  assert.equal(withNotYet.answer.summary.rows, answered);
  const stages = ['completed', 'started', 'not_started'].reduce((n, f) => n + withNotYet.answer.summary[f], 0);
  assert.ok(stages <= answered);
});

test('each refresh status the fake answers is the recorded row, with the row\'s own number, email and status cells', () => {
  for (const status of REFRESH_STATUSES) assert.equal(refreshRowTemplate(status).status, status);
  const sheet = new FakeSheet({ rows: candidateRows(7) });
  const statuses = { 2: 'changed', 3: 'unchanged', 4: 'other_interview', 5: 'settled', 6: 'still_pending', 7: 'invalid' };
  const record = { interview_status: 'started', score: null, decision: '', status_updated: '2026-01-05T08:00:00Z' };
  const answer = statusFunction(sheet, { status: (row) => statuses[row], record: () => record, budget: 6 })('', {}, {
    ...BODY,
    ranges: ['2:8'],
  }).body;
  answer.rows.forEach((row, i) => {
    const template = refreshRowTemplate(row.status);
    assert.deepEqual(Object.keys(row), Object.keys(template), row.status);
    assert.equal(row.result, template.result, row.status);
    assert.equal(row.row, i + 2);
    assert.equal(row.email, 'candidate' + (i + 1) + '@example.com');
    if ('interview_status' in row) assert.equal(row.status_updated, record.status_updated);
  });
  assert.deepEqual(answer.rows.map((r) => r.status), [...Object.values(statuses), 'not_yet']);
  assert.match(answer.rows[3].interview_url, /token=row-5$/, 'the settled row has its link');
  assert.deepEqual(answer.remaining, ['8:8']);
  assert.deepEqual(Object.keys(answer), Object.keys(recordedRefreshes()[0].answer));
});

test('"action": "languages" is answered with the recorded list', () => {
  const sheet = new FakeSheet({ rows: candidateRows(1) });
  const answer = statusFunction(sheet)('', {}, { action: 'languages' });
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body, LANGUAGES);
  assert.ok(LANGUAGES.languages.every((l) => l.code && l.name && l.local_name));
});
