'use strict';
/**
 * The fake function answers only what the real function answered (test/fixtures/, recorded by
 * sandbox/script_fixtures.py): these tests keep it from inventing answers of its own.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { FakeSheet } = require('../fakes');
const { fakeFunction, replay, allFixtures, actionOf, rowTemplate, summarize, candidateRows, rowsOf } = require('../fake-function');

const BODY = { spreadsheet_id: 's', sheet_id: 0, type: 'url', interview_id: 'i', hide_menu: false, force: false };
/** The recorded calls of invitation runs that answered rows (a refresh's are status-answers.test.js's). */
const answered = (fixture) => fixture.calls.filter((c) => c.answer.rows && actionOf(c.request) === 'invite');

test('the fake counts a summary like the real function did in every recorded answer (sent aside)', () => {
  let checked = 0;
  for (const fixture of allFixtures()) {
    for (const call of answered(fixture)) {
      const summary = summarize(call.answer.rows);
      assert.deepEqual(Object.keys(summary), Object.keys(call.answer.summary), fixture.scenario);
      assert.deepEqual({ ...summary, sent: 0 }, { ...call.answer.summary, sent: 0 }, fixture.scenario);
      checked++;
    }
  }
  assert.ok(checked >= 25, checked + ' answers checked');
});

test('every status of an invitation run the fake answers is a recorded row: the personal ones and recovered too', () => {
  for (const status of ['invited', 'activated', 'already_invited', 'recovered', 'error']) {
    const row = rowTemplate(false, status);
    assert.equal(row.status, status);
    assert.equal(row.written, true);
  }
  assert.equal('interview_url' in rowTemplate(false, 'invited'), false, 'JobMojito emails the candidate: no link');
  assert.equal(rowTemplate(true, 'recovered').status, 'recovered');
});

test('a row of the fake is a recorded row of that status, with the row\'s own number, email and link', () => {
  const sheet = new FakeSheet({ rows: candidateRows(3) });
  const fn = fakeFunction(sheet, { status: (row) => (row === 3 ? 'registered' : 'ok') });
  const answer = fn('', {}, { ...BODY, ranges: ['2:3'], dry_run: false }).body;
  const ok = rowTemplate(false, 'ok');
  assert.deepEqual(Object.keys(answer.rows[0]), Object.keys(ok));
  assert.equal(answer.rows[0].row, 2);
  assert.equal(answer.rows[0].email, 'candidate1@example.com');
  assert.equal(answer.rows[0].result, ok.result);
  assert.match(answer.rows[0].interview_url, /token=row-2$/);
  assert.equal(answer.rows[1].result, rowTemplate(false, 'registered').result);
  const recordedReal = allFixtures().flatMap((f) => f.calls).find((c) => !c.request.dry_run && c.status === 200);
  assert.deepEqual(Object.keys(answer), Object.keys(recordedReal.answer));
});

test('a recovered row is the recorded one: written like ok, with its link, and counted apart', () => {
  const sheet = new FakeSheet({ rows: candidateRows(3) });
  const fn = fakeFunction(sheet, { status: (row, body) => (row === 3 ? 'recovered' : body.dry_run ? 'would_send' : 'ok') });
  const real = fn('', {}, { ...BODY, ranges: ['2:3'], dry_run: false }).body;
  const recovered = real.rows[1];
  assert.equal(recovered.status, 'recovered');
  assert.equal(recovered.result, 'ok');
  assert.equal(recovered.written, true);
  assert.match(recovered.interview_url, /token=row-3$/);
  assert.equal(recovered.email, 'candidate2@example.com');
  assert.equal(real.summary.recovered, 1);
  assert.equal(real.summary.ok, 1);
  assert.equal(real.summary.sent, 1, 'nothing was sent for a recovered row');
  const dry = fn('', {}, { ...BODY, ranges: ['2:3'], dry_run: true }).body;
  assert.equal(dry.rows[1].status, 'recovered');
  assert.equal('written' in dry.rows[1], false, 'a dry run has no written');
});

test('the dry run carries the credits a test gives (or the recorded ones); a real run carries none', () => {
  const sheet = new FakeSheet({ rows: candidateRows(2) });
  const credits = { invitations_available: 5, invitations_limit: 10, credits_interview_monthly: 3, credits_interview_extra: 0 };
  const fn = fakeFunction(sheet, { credits });
  assert.deepEqual(fn('', {}, { ...BODY, ranges: ['2:3'], dry_run: true }).body.credits, credits);
  assert.equal('credits' in fn('', {}, { ...BODY, ranges: ['2:3'], dry_run: false }).body, false);
  assert.equal(fakeFunction(sheet, { credits: null })('', {}, { ...BODY, ranges: ['2:3'], dry_run: true }).body.credits, null);
  const recordedDry = allFixtures().flatMap((f) => f.calls).find((c) => c.request.dry_run && c.status === 200 && 'credits' in c.answer);
  const byDefault = fakeFunction(sheet)('', {}, { ...BODY, ranges: ['2:3'], dry_run: true }).body;
  assert.deepEqual(byDefault.credits, recordedDry ? recordedDry.answer.credits : undefined);
});

test('"action": "check" is answered with the test\'s check answer, or the recorded one, or a problem the test shows', () => {
  const sheet = new FakeSheet({ rows: candidateRows(2) });
  const checkBody = { spreadsheet_id: 's', sheet_id: 0, interview_id: 'i', action: 'check' };
  const answer = { checks: [{ name: 'function', ok: true, message: 'Answered.' }], credits: null };
  const fn = fakeFunction(sheet, { check: () => ({ status: 200, body: answer }) });
  assert.deepEqual(fn('', {}, checkBody), { status: 200, body: answer });
  const recorded = allFixtures().flatMap((f) => f.calls).find((c) => c.request.action === 'check');
  const byDefault = fakeFunction(sheet)('', {}, checkBody);
  if (recorded) assert.deepEqual(byDefault.body, recorded.answer);
  else assert.match(byDefault.body.error.message, /^FAKE FUNCTION: no recorded answer to "action": "check"/);
});

test('rows past the budget are the recorded not_yet row, listed in `remaining` as the function lists them', () => {
  const sheet = new FakeSheet({ rows: candidateRows(6) });
  const answer = fakeFunction(sheet, { budget: 2 })('', {}, { ...BODY, ranges: ['2:4', '6:7'], dry_run: false }).body;
  assert.deepEqual(answer.rows.map((r) => r.status), ['ok', 'ok', 'not_yet', 'not_yet', 'not_yet']);
  assert.deepEqual(answer.remaining, ['4:4', '6:7']);
  const recorded = replay('continuation').fixture.calls[1].answer;
  assert.deepEqual(recorded.remaining, ['4:13'], 'the function merges consecutive rows too');
  assert.equal(answer.rows[2].result, recorded.rows.find((r) => r.status === 'not_yet').result);
});

test('a status never recorded is a problem the test shows, not an answer', () => {
  const sheet = new FakeSheet({ rows: candidateRows(2) });
  const answer = fakeFunction(sheet, { status: () => 'bogus' })('', {}, { ...BODY, ranges: ['2:2'], dry_run: true });
  assert.equal(answer.status, 500);
  assert.match(answer.body.error.message, /^FAKE FUNCTION: no recorded dry-run row with status bogus/);
});

test('replay answers the recorded calls in order, and names a request that differs from the recording', () => {
  const scenario = replay('menu_run');
  const [first, second] = scenario.fixture.calls;
  assert.deepEqual(scenario.fetch('', {}, { ...first.request }).body, first.answer);
  const wrong = { ...second.request, force: true };
  const answer = scenario.fetch('', {}, wrong);
  assert.equal(answer.status, 500);
  assert.match(answer.body.error.message, /^FAKE FUNCTION: scenario menu_run, call 2: the script sent .*"force":true.* but the recording has .*"force":false/);
  assert.equal(scenario.problems.length, 1);
  assert.deepEqual(scenario.fetch('', {}, { ...second.request }).body, second.answer);
  assert.match(scenario.fetch('', {}, first.request).body.error.message, /has no call 3/);
  assert.equal(scenario.answered(), 2);
});

test('every recorded scenario starts with the selection and settings the replay gives the script', () => {
  for (const fixture of allFixtures()) {
    const scenario = replay(fixture.scenario);
    const request = fixture.calls[0].request;
    if (actionOf(request) === 'languages') {
      assert.deepEqual(request, { action: 'languages' }, 'the languages call names nothing else');
      continue;
    }
    const selected = scenario.sheet
      .getActiveRangeList()
      .getRanges()
      .flatMap((r) => Array.from({ length: r.getNumRows() }, (_, i) => r.getRow() + i));
    assert.deepEqual(selected, rowsOf(request.ranges), fixture.scenario);
    assert.equal(scenario.properties.INTERVIEW_ID, request.interview_id);
    if ('hide_menu' in request) assert.equal(scenario.properties.HIDE_MENU, String(request.hide_menu));
    assert.equal(scenario.properties.TEST_MODE, String(request.is_test === true));
    if ('mojito_language_code' in request) assert.equal(scenario.properties.MOJITO_LANGUAGE_CODE, request.mojito_language_code);
    assert.equal(scenario.sheet.getSheetId(), request.sheet_id);
    assert.equal(scenario.spreadsheet.getId(), request.spreadsheet_id);
  }
});
