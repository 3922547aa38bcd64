'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadScript, FakeSheet, FakeSpreadsheet, Button, virtualClock } = require('../fakes');
const { fakeFunction, replay, candidateRows } = require('../fake-function');

const SETTINGS = { FUNCTION_URL: 'https://f.example/run', INTERVIEW_ID: 'iv-7' };

/**
 * A script over a sheet of `count` candidates with `selection` selected, answered by the fake function built
 * from recorded rows (or by `fetch`).
 * @param {{count?: number, selection?: string[], fetch?: Function, functionOptions?: Object, properties?: Object,
 *     clock?: Object}} options
 */
function setup(options = {}) {
  const sheet = new FakeSheet({ sheetId: 5, rows: candidateRows(options.count || 10) });
  sheet.select(options.selection || ['2:11']);
  const fn = fakeFunction(sheet, options.functionOptions);
  const env = loadScript({
    properties: { ...SETTINGS, ...options.properties },
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    fetch: options.fetch || fn,
    clock: options.clock,
  });
  return { ...env, sheet, fn };
}

/**
 * A script over a recorded scenario's tab and selection, answered with the real function's recorded answers.
 * @param {string} name the scenario (test/fixtures/<name>.json)
 * @param {{wrap?: (fetch: Function) => Function, clock?: Object}} options wrap: changes the fetch handler
 */
function recorded(name, options = {}) {
  const scenario = replay(name);
  const env = loadScript({
    properties: scenario.properties,
    spreadsheet: scenario.spreadsheet,
    fetch: options.wrap ? options.wrap(scenario.fetch) : scenario.fetch,
    clock: options.clock,
  });
  return { ...env, scenario, sheet: scenario.sheet };
}

/** Checks that the script made exactly the recorded calls (the first `count` of them, if given). */
function assertRecordedCalls(env, count) {
  assert.deepEqual(env.scenario.problems, []);
  assert.equal(env.scenario.answered(), count === undefined ? env.scenario.fixture.calls.length : count);
}

/**
 * The sentence that the `credits` of a scenario's recorded dry run adds after the question, with its leading space:
 * '' for the recordings made before the function answered `credits` (the sentence itself is tested below).
 * @param {Object} env from recorded()
 * @param {number} toSend the rows the question asks to send
 */
function recordedCreditsSentence(env, toSend) {
  const dryRun = env.scenario.fixture.calls.find((c) => c.request.dry_run && c.status === 200);
  if (!dryRun || !('credits' in dryRun.answer)) return '';
  const sentence = env.context.creditsSentence(toSend, env.context.readCredits(dryRun.answer));
  return sentence ? ' ' + sentence : '';
}

const real = (env) => env.fetches.filter((f) => !f.body.dry_run);
const dry = (env) => env.fetches.filter((f) => f.body.dry_run);
const lastAlert = (env) => env.ui.alerts.at(-1).prompt;

// --- the menu run, from the real function's answers ------------------------------------------

test('Send email invitations on the demo tab: dry run, confirmation, real run, toast, closing counts', () => {
  const env = recorded('menu_run');
  env.context.sendEmailInvitations();
  assertRecordedCalls(env);
  assert.equal(real(env)[0].body.type, 'invitation');
  assert.equal(real(env)[0].body.force, false);
  assert.equal(
    env.ui.alerts[0].prompt,
    'Send 8 email invitations?' + recordedCreditsSentence(env, 8) + ' 1 row is skipped because it is already ' +
      'registered. 2 rows have an invalid or missing email or name. 1 row is skipped because another row has the ' +
      'same email.',
  );
  assert.equal(env.ui.alerts[0].buttons, 'OK_CANCEL');
  assert.deepEqual(env.spreadsheet.toasts.map((t) => t.msg), ['12 of 12 done…']);
  assert.equal(
    lastAlert(env),
    'Done: 8 email invitations sent. 2 rows have an error. 2 rows were skipped. The result column tells what happened to each row.',
  );
  assert.equal(env.sheet.writes.length, 0, 'the function wrote every row itself');
  assert.equal(env.lock.tries.length, 1);
  assert.equal(env.lock.held, false);
});

test('Preview selection of the demo tab: the dry run only, grouped by status', () => {
  const env = recorded('preview');
  env.context.previewSelection();
  assertRecordedCalls(env);
  assert.equal(
    env.ui.alerts[0].prompt,
    '12 rows selected: 8 would be sent.' + recordedCreditsSentence(env, 8) + ' 1 row is skipped because it is ' +
      'already registered. 2 rows have an invalid or missing email or name. 1 row is skipped because another row has ' +
      'the same email.',
  );
  assert.equal(env.lock.tries.length, 0, 'a preview does not take the lock');
});

test('nothing new to send, only registered rows: asks to force, and a yes sends with force', () => {
  const env = recorded('force');
  env.context.sendEmailInvitations();
  assertRecordedCalls(env);
  assert.equal(
    env.ui.alerts[0].prompt,
    'Nothing new to send in the selection. 2 rows are skipped because they are already registered. ' +
      'Send to those 2 rows again anyway (force)?' + recordedCreditsSentence(env, 2),
  );
  assert.equal(env.ui.alerts[0].buttons, 'YES_NO');
  assert.equal(real(env)[0].body.force, true);
  assert.match(lastAlert(env), /^Done: 2 email invitations sent\. The result column/);
});

test('nothing new to send and the answer is no: nothing is sent', () => {
  const env = recorded('force');
  env.ui.answers.push(Button.NO);
  env.context.sendEmailInvitations();
  assertRecordedCalls(env, 1);
  assert.equal(real(env).length, 0);
  assert.equal(env.spreadsheet.toasts[0].msg, 'Nothing was sent.');
});

test('nothing to send at all (only refused rows): says so, no question', () => {
  const env = recorded('nothing_to_send');
  env.context.sendEmailInvitations();
  assertRecordedCalls(env);
  assert.equal(env.ui.alerts[0].prompt, 'Nothing new to send in the selection. 2 rows have an invalid or missing email or name.');
  assert.equal(env.ui.alerts[0].buttons, 'OK');
  assert.equal(real(env).length, 0);
});

test('interrupted rows: the confirmation says how to send them anyway; the summary counts them as skipped', () => {
  const env = recorded('interrupted');
  env.context.sendEmailInvitations();
  assertRecordedCalls(env);
  assert.equal(
    env.ui.alerts[0].prompt,
    'Send 1 email invitation?' + recordedCreditsSentence(env, 1) + ' 1 row is skipped because an earlier run was ' +
      'interrupted while sending it. Check in JobMojito whether this candidate got the interview, then select only ' +
      'that row and run again to send anyway (force).',
  );
  assert.equal(lastAlert(env), 'Done: 1 email invitation sent. 1 row was skipped. The result column tells what happened to each row.');
});

test('a row JobMojito refuses (status error) is counted as an error', () => {
  const env = recorded('jobmojito_error');
  env.context.sendEmailInvitations();
  assertRecordedCalls(env);
  assert.equal(lastAlert(env), 'Done: 2 email invitations sent. 1 row has an error. The result column tells what happened to each row.');
});

test('pending rows (a batch whose answer was lost) are counted and the recruiter is told to check them', () => {
  const env = recorded('pending');
  env.context.sendEmailInvitations();
  assertRecordedCalls(env);
  assert.equal(
    lastAlert(env),
    'Done: 2 email invitations sent. 2 rows are pending: check in JobMojito before running again. ' +
      'The result column tells what happened to each row.',
  );
});

// --- counting each row once (issue 7) ----------------------------------------------------------

test('remaining continuations: each row is counted once, by its latest status', () => {
  const env = recorded('continuation');
  env.context.generateInterviewLinks();
  assertRecordedCalls(env);
  assert.deepEqual(real(env).map((f) => f.body.ranges), [['2:13'], ['4:13'], ['6:13'], ['8:13'], ['10:13'], ['12:13']]);
  assert.deepEqual(
    env.spreadsheet.toasts.map((t) => t.msg),
    ['2 of 12 done…', '4 of 12 done…', '6 of 12 done…', '8 of 12 done…', '10 of 12 done…', '12 of 12 done…'],
  );
  assert.equal(lastAlert(env), 'Done: 12 interview links created. The result column tells what happened to each row.');
});

test('rows still not_yet when the script stops for time are "not done yet", each counted once', () => {
  const env = recorded('continuation', {
    // Each call takes 55 s: the dry run (0-55 s), then real calls at 55, 110, 165 and 220 s; at 275 s only 85 s of
    // the 6 minutes are left, less than the 90 s a call needs, so no fifth call starts.
    wrap: (fetch) => (url, params, body) => ({ ...fetch(url, params, body), takesMs: 55_000 }),
  });
  env.context.generateInterviewLinks();
  assertRecordedCalls(env, 5);
  assert.equal(
    lastAlert(env),
    'Stopped before the Apps Script time limit (6 minutes, dialogs included) with 8 of 12 rows done. So far: 8 ' +
      'interview links created. 4 rows are not done yet: run it again on the same selection to continue (rows already ' +
      'done are skipped). The result column tells what happened to each row.',
  );
  assert.equal(env.executions[0].error, undefined, 'the run ended by itself, before Apps Script would end it');
  assert.equal(env.lock.held, false);
});

test('rows left not_sent get a plain sentence that claims no cause', () => {
  const env = recorded('not_sent');
  env.context.sendEmailInvitations();
  assertRecordedCalls(env);
  assert.equal(
    lastAlert(env),
    'Done: 2 email invitations sent. 2 rows were not sent: run it again on the same selection to send them. ' +
      'The result column tells what happened to each row.',
  );
});

test('the confirmation and the closing counts switch on status, never on the result text', () => {
  const texts = {
    dry: { 2: 'Error: the text says error, the status would_send', 3: 'Would send, says the text', 4: 'ok' },
    real: { 2: 'Error: the text says error, the status ok', 3: 'ok', 4: 'Pending, says the text' },
  };
  const statuses = { dry: { 2: 'would_send', 3: 'registered', 4: 'would_send' }, real: { 2: 'ok', 3: 'invalid', 4: 'registered' } };
  const phase = (body) => (body.dry_run ? 'dry' : 'real');
  const env = setup({
    selection: ['2:4'],
    functionOptions: {
      status: (row, body) => statuses[phase(body)][row],
      result: (row, body) => texts[phase(body)][row],
    },
  });
  env.context.sendEmailInvitations();
  assert.equal(env.ui.alerts[0].prompt, 'Send 2 email invitations? 1 row is skipped because it is already registered.');
  assert.equal(
    lastAlert(env),
    'Done: 1 email invitation sent. 1 row has an error. 1 row was skipped. The result column tells what happened to each row.',
  );
});

test('summaryText: not_yet rows are counted when the run ended, a status of the future is not counted', () => {
  const { context } = setup();
  const rows = [{ row: 2, status: 'ok' }, { row: 3, status: 'not_yet' }, { row: 4, status: 'some_new_status' }];
  const outcome = { rows, error: 'The invitation service stopped answering.', stopped: false, done: 2, total: 3, emailChanged: 0 };
  assert.equal(
    context.summaryText('url', outcome),
    'The invitation service stopped answering. Before that, 2 of 3 rows done; their results are in the Sheet. ' +
      'So far: 1 interview link created. 1 row is not done yet: run it again on the same selection to continue (rows ' +
      'already done are skipped). The result column tells what happened to each row.',
  );
});

// --- credits: what the run uses and what is left (issue 10) -----------------------------------------

/** The dry run's `credits` with `invitations_available` set (the other fields as the contract has them). */
const credits = (available) => ({
  invitations_available: available,
  invitations_limit: 200,
  credits_interview_monthly: 150,
  credits_interview_extra: 10,
});

test('the confirmation says what the run uses and what is left of this period\'s invitations', () => {
  const env = setup({ count: 40, selection: ['2:41'], functionOptions: { credits: credits(120) } });
  env.context.sendEmailInvitations();
  assert.equal(env.ui.alerts[0].prompt, 'Send 40 email invitations? 120 invitations are left this period (80 after this run).');
  assert.match(lastAlert(env), /^Done: 40 email invitations sent\./);
  const links = setup({ count: 40, selection: ['2:38'], functionOptions: { credits: credits(120) } });
  links.context.generateInterviewLinks();
  assert.equal(links.ui.alerts[0].prompt, 'Generate 37 interview links? 120 invitations are left this period (83 after this run).');
});

test('the credits sentence comes right after the question, before the skipped rows, and counts only rows to send', () => {
  const env = setup({
    functionOptions: { credits: credits(1000), status: (row, body) => (row < 4 ? 'registered' : body.dry_run ? 'would_send' : 'ok') },
  });
  env.context.sendEmailInvitations();
  assert.equal(
    env.ui.alerts[0].prompt,
    'Send 8 email invitations? 1,000 invitations are left this period (992 after this run). 2 rows are skipped ' +
      'because they are already registered.',
  );
});

test('using the last invitations: the exact count, one invitation in the singular', () => {
  const all = setup({ functionOptions: { credits: credits(10) } });
  all.context.sendEmailInvitations();
  assert.equal(all.ui.alerts[0].prompt, 'Send 10 email invitations? 10 invitations are left this period (0 after this run).');
  const one = setup({ selection: ['2:2'], functionOptions: { credits: credits(1) } });
  one.context.sendEmailInvitations();
  assert.equal(one.ui.alerts[0].prompt, 'Send 1 email invitation? 1 invitation is left this period (0 after this run).');
});

test('a balance JobMojito could not read (credits: null) is said, and the run goes on', () => {
  const env = setup({ functionOptions: { credits: null } });
  env.context.sendEmailInvitations();
  assert.equal(env.ui.alerts[0].prompt, 'Send 10 email invitations? The JobMojito balance could not be read.');
  assert.equal(real(env).length, 1);
  assert.match(lastAlert(env), /^Done: 10 email invitations sent\./);
});

test('no limit (invitations_available null) and a function without credits: the confirmation says nothing of them', () => {
  const unlimited = setup({ functionOptions: { credits: credits(null) } });
  unlimited.context.sendEmailInvitations();
  assert.equal(unlimited.ui.alerts[0].prompt, 'Send 10 email invitations?');
  const older = setup({ functionOptions: { credits: undefined } });
  older.context.sendEmailInvitations();
  assert.equal(older.ui.alerts[0].prompt, 'Send 10 email invitations?');
  assert.equal('credits' in older.fn.answers[0], false);
});

test('a balance the script cannot read (not a whole number) is said to be unreadable, not guessed', () => {
  const { context } = setup();
  const plain = (x) => JSON.parse(JSON.stringify(x));
  assert.equal(context.readCredits({ rows: [] }), undefined);
  assert.equal(context.readCredits({ credits: null }), null);
  for (const bad of ['lots', -1, 2.5, undefined]) {
    assert.equal(context.readCredits({ credits: { invitations_available: bad } }), null, String(bad));
  }
  assert.equal(context.readCredits({ credits: 'none' }), null);
  assert.deepEqual(plain(context.readCredits({ credits: credits(3) })), credits(3));
  assert.equal(context.creditsSentence(5, context.readCredits({ credits: { invitations_available: 'lots' } })), 'The JobMojito balance could not be read.');
});

/** A function that refuses a real run sending more rows than `available`, as the contract's 409 does (the test's sentence). */
function refusingFunction(available) {
  return (fn) => (url, params, body) => {
    if (body.dry_run) return fn(url, params, body);
    const rows = fn.answers.at(-1).rows.filter((r) => r.status === 'would_send').length;
    const message = 'Only ' + available + ' invitations are left this period and this run would send ' + rows +
      '; nothing was sent. Select fewer rows or ask your admin for more invitations.';
    return { status: 409, body: { error: { code: 'not_enough_invitations', message } } };
  };
}

test('more rows than invitations left: the confirmation says so plainly, and Cancel sends nothing', () => {
  const env = setup({ functionOptions: { credits: credits(4) } });
  env.ui.answers.push(Button.CANCEL);
  env.context.sendEmailInvitations();
  assert.equal(
    env.ui.alerts[0].prompt,
    'Send 10 email invitations? Only 4 invitations are left this period, fewer than the 10 to send, so the run would ' +
      'be refused before anything is sent. Select at most 4 new candidates, or ask your admin for more invitations.',
  );
  assert.equal(env.ui.alerts[0].buttons, 'OK_CANCEL');
  assert.equal(real(env).length, 0);
  assert.equal(env.spreadsheet.toasts[0].msg, 'Nothing was sent.');
});

test('more rows than invitations left and OK anyway: the function\'s 409 not_enough_invitations sentence is shown', () => {
  const sheet = new FakeSheet({ sheetId: 5, rows: candidateRows(10) }).select(['2:11']);
  const fn = fakeFunction(sheet, { credits: credits(4) });
  const env = loadScript({
    properties: SETTINGS,
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    fetch: refusingFunction(4)(fn),
  });
  env.context.sendEmailInvitations();
  assert.equal(real(env).length, 1);
  assert.ok(
    lastAlert(env).startsWith(
      'Only 4 invitations are left this period and this run would send 10; nothing was sent. Select fewer rows or ask ' +
        'your admin for more invitations.',
    ),
    lastAlert(env),
  );
  assert.equal(sheet.writes.length, 0);
  assert.equal(env.lock.held, false);
});

test('no invitations left: the confirmation says the run would be refused', () => {
  const env = setup({ functionOptions: { credits: credits(0) } });
  env.ui.answers.push(Button.CANCEL);
  env.context.generateInterviewLinks();
  assert.equal(
    env.ui.alerts[0].prompt,
    'Generate 10 interview links? No invitations are left this period, so the run would be refused before anything ' +
      'is sent. Ask your admin for more invitations.',
  );
});

test('the preview and the force question say the balance too', () => {
  const preview = setup({ functionOptions: { credits: credits(120), status: (row) => (row === 2 ? 'registered' : 'would_send') } });
  preview.context.previewSelection();
  assert.equal(
    lastAlert(preview),
    '10 rows selected: 9 would be sent. 120 invitations are left this period (111 after this run). 1 row is skipped ' +
      'because it is already registered.',
  );
  const force = setup({ selection: ['2:4'], functionOptions: { credits: credits(2), status: (row, body) => (body.dry_run ? 'registered' : 'ok') } });
  force.ui.answers.push(Button.NO);
  force.context.sendEmailInvitations();
  assert.equal(
    force.ui.alerts[0].prompt,
    'Nothing new to send in the selection. 3 rows are skipped because they are already registered. Send to those 3 ' +
      'rows again anyway (force)? Only 2 invitations are left this period, fewer than the 3 to send, so the run would ' +
      'be refused before anything is sent. Select at most 2 new candidates, or ask your admin for more invitations.',
  );
});

test('a dry run in parts: the confirmation uses the balance of the latest answer', () => {
  let call = 0;
  const env = setup({
    count: 30,
    selection: ['2:31'],
    properties: { CHUNK_SIZE: '10' },
    functionOptions: { credits: (body) => (body.dry_run ? credits(100 - call++) : undefined) },
  });
  env.ui.answers.push(Button.CANCEL);
  env.context.sendEmailInvitations();
  assert.equal(dry(env).length, 3);
  assert.equal(env.ui.alerts[0].prompt, 'Send 30 email invitations? 98 invitations are left this period (68 after this run).');
});

// --- recovered: a link from an earlier run, written now, nothing sent ----------------------------------

test('recovered rows: the confirmation and the closing dialog count them apart, never as sent, skipped or errors', () => {
  const statuses = { 3: 'recovered', 5: 'recovered', 6: 'registered', 7: 'invalid' };
  const env = setup({
    functionOptions: { credits: credits(50), status: (row, body) => statuses[row] || (body.dry_run ? 'would_send' : 'ok') },
  });
  env.context.sendEmailInvitations();
  assert.equal(
    env.ui.alerts[0].prompt,
    'Send 6 email invitations? 50 invitations are left this period (44 after this run). 2 links from an earlier run ' +
      'will be written; nothing is sent for them. 1 row is skipped because it is already registered. 1 row has an ' +
      'invalid or missing email or name.',
  );
  assert.equal(
    lastAlert(env),
    'Done: 6 email invitations sent. 2 links from an earlier run were written; nothing was sent for them. 1 row has ' +
      'an error. 1 row was skipped. The result column tells what happened to each row.',
  );
});

test('recovered rows in the preview, in the singular', () => {
  const env = setup({ selection: ['2:4'], functionOptions: { status: (row) => (row === 4 ? 'recovered' : 'would_send') } });
  env.context.previewSelection();
  assert.equal(lastAlert(env), '3 rows selected: 2 would be sent. 1 link from an earlier run will be written; nothing is sent for it.');
});

test('only recovered rows to do: the question is to write their links; OK runs it, and nothing is sent', () => {
  const env = setup({
    selection: ['2:5'],
    functionOptions: { credits: credits(0), status: (row) => (row === 5 ? 'registered' : 'recovered') },
  });
  env.context.generateInterviewLinks();
  assert.equal(
    env.ui.alerts[0].prompt,
    'Write 3 links from an earlier run? Nothing is sent. 1 row is skipped because it is already registered.',
  );
  assert.equal(env.ui.alerts[0].buttons, 'OK_CANCEL');
  assert.equal(real(env).length, 1);
  assert.equal(real(env)[0].body.force, false, 'writing recovered links never forces');
  assert.equal(
    lastAlert(env),
    'Done: 3 links from an earlier run were written; nothing was sent for them. 1 row was skipped. The result column ' +
      'tells what happened to each row.',
  );
});

test('only recovered rows, Cancel: nothing is sent or written', () => {
  const env = setup({ selection: ['2:3'], functionOptions: { status: () => 'recovered' } });
  env.ui.answers.push(Button.CANCEL);
  env.context.sendEmailInvitations();
  assert.equal(env.ui.alerts[0].prompt, 'Write 2 links from an earlier run? Nothing is sent.');
  assert.equal(real(env).length, 0);
  assert.equal(env.sheet.writes.length, 0);
});

test('recovered rows the function could not write (written: false) are written by the script, like ok rows', () => {
  const env = setup({
    selection: ['2:3'],
    functionOptions: { status: (row, body) => (row === 3 ? 'recovered' : body.dry_run ? 'would_send' : 'ok'), written: false },
  });
  env.context.sendEmailInvitations();
  const recovered = env.fn.answers.at(-1).rows[1];
  assert.equal(recovered.status, 'recovered');
  assert.deepEqual(env.sheet.rowValues(3).slice(3, 6), [recovered.interview_url, 'ok', recovered.profile_interview_id]);
  assert.equal(
    lastAlert(env),
    'Done: 1 email invitation sent. 1 link from an earlier run was written; nothing was sent for it. The result column ' +
      'tells what happened to each row.',
  );
});

// --- written: false --------------------------------------------------------------------------

test('rows with written:false are written by the script, as text, where the answer says', () => {
  const env = recorded('sheets_write_failure');
  env.context.sendEmailInvitations();
  assertRecordedCalls(env);
  const answer = env.scenario.fixture.calls[1].answer;
  const unwritten = answer.rows.filter((r) => r.written === false);
  assert.deepEqual(unwritten.map((r) => r.row), [2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], 'eight links and three refusals');
  const expected = unwritten.flatMap((r) =>
    ['interview_url', 'result', 'profile_interview_id'].filter((f) => f in r).map((f) => [answer.columns[f] + r.row, "'" + r[f]]),
  );
  assert.deepEqual(env.sheet.writes.map((w) => [w.a1, w.values[0][0]]), expected);
  assert.equal(env.sheet.rowValues(2)[4], unwritten[0].interview_url, 'the link is stored without the apostrophe');
  assert.equal(
    lastAlert(env),
    'Done: 8 email invitations sent. 2 rows have an error. 2 rows were skipped. The result column tells what ' +
      'happened to each row.',
  );
});

test('a written:false row whose email changed during the run is not written, and the summary says so', () => {
  const env = recorded('sheets_write_failure', {
    wrap: (fetch) => (url, params, body) => {
      const answer = fetch(url, params, body);
      if (!body.dry_run) sheet.backend.write(4, 2, [['someone.else@example.com']]);
      return answer;
    },
  });
  const sheet = env.sheet;
  env.context.sendEmailInvitations();
  assert.equal(sheet.rowValues(4)[5], '', 'row 4 is left alone');
  assert.equal(sheet.rowValues(2)[5], 'ok');
  assert.match(lastAlert(env), /1 result could not be written because the email in the row changed during the run\./);
});

test('a value the script writes is never a formula, even when JobMojito\'s error text starts with =', () => {
  const env = setup({
    selection: ['2:4'],
    functionOptions: {
      status: (row, body) => (body.dry_run ? 'would_send' : row === 3 ? 'error' : 'ok'),
      result: (row, body) => (!body.dry_run && row === 3 ? '=HYPERLINK("x")' : undefined),
      written: (row) => row !== 2 && row !== 3,
    },
  });
  env.context.sendEmailInvitations();
  const row2 = env.fn.answers.at(-1).rows[0];
  assert.deepEqual(env.sheet.writes.map((w) => [w.a1, w.values[0][0]]), [
    ['D2', "'" + row2.interview_url],
    ['E2', "'ok"],
    ['F2', "'" + row2.profile_interview_id],
    ['E3', '\'=HYPERLINK("x")'],
  ]);
  assert.deepEqual(env.sheet.rowValues(3).slice(3, 6), ['', '=HYPERLINK("x")', '']);
});

test('a value starting with = + - @ is stored as text', () => {
  const { context } = setup();
  for (const value of ['=1+1', '+1', '-1', '@x']) {
    assert.equal(context.asText(value), "'" + value);
  }
  assert.equal(context.asText(''), '');
});

test('nothing is written by the script in a dry run', () => {
  const env = setup({ functionOptions: { written: false } });
  env.context.previewSelection();
  assert.equal(env.sheet.writes.length, 0);
});

test('cellsToWrite ignores unusable columns and the header row', () => {
  const { context } = setup();
  const plain = (x) => JSON.parse(JSON.stringify(x));
  assert.deepEqual(
    plain(context.cellsToWrite({ row: 5, status: 'ok', result: 'ok', interview_url: 'u' }, { result: 'E', interview_url: 'D4' })),
    [{ a1: 'E5', value: "'ok" }],
  );
  assert.deepEqual(plain(context.cellsToWrite({ row: 1, status: 'ok', result: 'ok' }, { result: 'E' })), []);
});

test('cellsToWrite puts back what a row not sent held, never a sentence meant for the dialog', () => {
  const { context } = setup();
  const plain = (x) => JSON.parse(JSON.stringify(x));
  const columns = { result: 'E' };
  const notSent = { row: 5, status: 'not_sent', result: 'Not sent: the run stopped', result_cell: 'Error: old typo' };
  assert.deepEqual(plain(context.cellsToWrite(notSent, columns)), [{ a1: 'E5', value: "'Error: old typo" }]);
  assert.deepEqual(plain(context.cellsToWrite({ ...notSent, result_cell: '' }, columns)), [{ a1: 'E5', value: '' }]);
  for (const status of ['not_sent', 'not_yet', 'registered', 'interrupted', 'would_send']) {
    assert.deepEqual(plain(context.cellsToWrite({ row: 5, status, result: 'a sentence' }, columns)), [], status);
  }
});

// --- errors --------------------------------------------------------------------------------

test('a run that fails part-way: the function\'s sentence, then what it did before failing', () => {
  const env = recorded('credentials_rejected');
  env.context.sendEmailInvitations();
  assertRecordedCalls(env);
  const error = env.scenario.fixture.calls[1].answer.error;
  assert.equal(error.code, 'jobmojito_credentials_rejected');
  assert.equal(
    lastAlert(env),
    error.message + ' So far: 2 email invitations sent. 2 rows were not sent: run it again on the same selection ' +
      'to send them. The result column tells what happened to each row.',
  );
});

test('a run that fails part-way still has its unwritten rows written by the script', () => {
  const sheet = new FakeSheet({ rows: candidateRows(3) }).select(['2:3']);
  const fn = fakeFunction(sheet, { written: false });
  const error = replay('credentials_rejected').fixture.calls[1].answer.error;
  const env = loadScript({
    properties: SETTINGS,
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    fetch: (url, params, body) => {
      const answer = fn(url, params, body);
      return body.dry_run ? answer : { status: 502, body: { ...answer.body, error } };
    },
  });
  env.context.sendEmailInvitations();
  assert.equal(sheet.rowValues(2)[4], 'ok');
  assert.equal(sheet.rowValues(2)[3], fn.answers.at(-1).rows[0].interview_url);
  assert.ok(lastAlert(env).startsWith(error.message));
});

test('an interview JobMojito does not know: the dry run passes, the real run shows the function\'s 422 sentence', () => {
  const env = recorded('interview_rejected');
  env.context.sendEmailInvitations();
  assertRecordedCalls(env);
  const answer = env.scenario.fixture.calls[1];
  assert.equal(answer.status, 422);
  assert.ok(lastAlert(env).startsWith(answer.answer.error.message), lastAlert(env));
  assert.equal(env.lock.held, false);
});

test('an error in a later chunk stops the run and says what was done before it', () => {
  const sheet = new FakeSheet({ rows: candidateRows(30) }).select(['2:31']);
  const fn = fakeFunction(sheet);
  let realCalls = 0;
  const env = loadScript({
    properties: { ...SETTINGS, CHUNK_SIZE: '10' },
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    fetch: (url, params, body) => {
      if (!body.dry_run && ++realCalls === 2) {
        return { status: 502, body: { error: { code: 'jobmojito_unreachable', message: 'JobMojito did not answer.' } } };
      }
      return fn(url, params, body);
    },
  });
  env.context.sendEmailInvitations();
  assert.equal(
    lastAlert(env),
    'JobMojito did not answer. Before that, 10 of 30 rows done; their results are in the Sheet. ' +
      'So far: 10 email invitations sent. The result column tells what happened to each row.',
  );
});

// --- selection, chunks and time --------------------------------------------------------------

test('Generate interview links sends type "url" and says links', () => {
  const env = setup({ selection: ['2:4'] });
  env.context.generateInterviewLinks();
  assert.equal(env.ui.alerts[0].prompt, 'Generate 3 interview links?');
  assert.equal(real(env)[0].body.type, 'url');
  assert.match(lastAlert(env), /^Done: 3 interview links created\./);
});

test('the confirmation groups the dry run\'s rows by status, in order of first appearance', () => {
  const statuses = { 3: 'registered', 4: 'registered', 5: 'registered', 6: 'invalid', 7: 'duplicate', 8: 'invalid', 9: 'interrupted' };
  const env = setup({ functionOptions: { status: (row) => statuses[row] || 'would_send' } });
  env.ui.answers.push(Button.CANCEL);
  env.context.sendEmailInvitations();
  assert.equal(
    env.ui.alerts[0].prompt,
    'Send 3 email invitations? 3 rows are skipped because they are already registered. 2 rows have an invalid or ' +
      'missing email or name. 1 row is skipped because another row has the same email. 1 row is skipped because an ' +
      'earlier run was interrupted while sending it. Check in JobMojito whether this candidate got the interview, ' +
      'then select only that row and run again to send anyway (force).',
  );
  assert.equal(real(env).length, 0, 'cancel sends nothing');
  assert.equal(env.spreadsheet.toasts[0].msg, 'Nothing was sent.');
  assert.equal(env.lock.held, false);
});

test('rows hidden by hand are left out like rows hidden by a filter, and the confirmation counts both', () => {
  const env = setup();
  env.sheet.hideByFilter([4, 5]).hideByUser([9]);
  env.ui.answers.push(Button.CANCEL);
  env.context.sendEmailInvitations();
  assert.equal(env.ui.alerts[0].prompt, 'Send 7 email invitations? 3 hidden rows are left out (2 by a filter, 1 hidden by hand).');
  assert.deepEqual(dry(env)[0].body.ranges, ['2:3', '6:8', '10:11']);
});

test('the confirmation says how many rows a filter hid', () => {
  const env = setup();
  env.sheet.hideByFilter([4, 5]);
  env.ui.answers.push(Button.CANCEL);
  env.context.sendEmailInvitations();
  assert.equal(env.ui.alerts[0].prompt, 'Send 8 email invitations? 2 rows hidden by a filter are left out.');
  assert.deepEqual(dry(env)[0].body.ranges, ['2:3', '6:11']);
});

test('interrupted rows alone are forceable too: the question counts them', () => {
  const env = setup({ selection: ['2:4'], functionOptions: { status: (row, body) => (body.dry_run ? 'interrupted' : 'ok') } });
  env.ui.answers.push(Button.NO);
  env.context.sendEmailInvitations();
  assert.match(env.ui.alerts[0].prompt, /Send to those 3 rows again anyway \(force\)\?$/);
  assert.equal(real(env).length, 0);
});

test('Preview selection: dry run only, short summary with rows hidden by a filter', () => {
  const env = setup({ functionOptions: { status: (row) => (row === 2 ? 'registered' : 'would_send') } });
  env.sheet.hideByFilter([11]);
  env.context.previewSelection();
  assert.equal(env.fetches.length, 1);
  assert.equal(env.fetches[0].body.dry_run, true);
  assert.equal(
    env.ui.alerts[0].prompt,
    '9 rows selected: 8 would be sent. 1 row is skipped because it is already registered. 1 row hidden by a filter is left out.',
  );
});

test('nothing selected: a plain sentence, no call', () => {
  const env = setup({ selection: ['A1:F1'] });
  env.context.generateInterviewLinks();
  assert.equal(env.ui.alerts[0].prompt, 'Nothing selected: select the candidate rows (not only the header row), then try again.');
  assert.equal(env.fetches.length, 0);
});

test('all selected rows hidden by a filter: nothing selected, and says why', () => {
  const env = setup({ selection: ['3:4'] });
  env.sheet.hideByFilter([3, 4]);
  env.context.previewSelection();
  assert.match(env.ui.alerts[0].prompt, /^Nothing selected: .* 2 rows hidden by a filter are left out\.$/);
});

test('1,200 rows go in one call each for the dry run and the real run: parts are as large as the function accepts', () => {
  const env = setup({ count: 1200, selection: ['A2:B1201'] });
  env.context.sendEmailInvitations();
  assert.deepEqual(dry(env).map((f) => f.body.ranges), [['2:1201']]);
  assert.deepEqual(real(env).map((f) => f.body.ranges), [['2:1201']]);
  assert.equal(env.ui.alerts[0].prompt, 'Send 1,200 email invitations?');
  assert.deepEqual(env.spreadsheet.toasts.map((t) => t.msg), ['1,200 of 1,200 done…']);
  assert.match(lastAlert(env), /^Done: 1,200 email invitations sent\./);
});

test('10,500 rows are sent in parts of 5,000 (the function\'s MAX_ROWS), in sheet order', () => {
  const env = setup({ count: 10500, selection: ['2:10501'] });
  env.context.previewSelection();
  assert.deepEqual(env.fetches.map((f) => f.body.ranges), [['2:5001'], ['5002:10001'], ['10002:10501']]);
  assert.match(lastAlert(env), /^10,500 rows selected: 10,500 would be sent\./);
});

test('CHUNK_SIZE lowers the rows per call; a value above 5,000 is ignored', () => {
  const env = setup({ count: 30, selection: ['2:31'], properties: { CHUNK_SIZE: '10' } });
  env.context.previewSelection();
  assert.deepEqual(env.fetches.map((f) => f.body.ranges), [['2:11'], ['12:21'], ['22:31']]);
  const big = setup({ count: 30, selection: ['2:31'], properties: { CHUNK_SIZE: '5001' } });
  big.context.previewSelection();
  assert.deepEqual(big.fetches.map((f) => f.body.ranges), [['2:31']]);
});

test('a call never carries more than 1,000 ranges, however the hidden rows cut the selection', () => {
  const env = setup({ count: 2400, selection: ['2:2401'] });
  env.sheet.hideByUser(Array.from({ length: 1200 }, (_, i) => 3 + 2 * i)); // every other row
  env.context.previewSelection();
  assert.deepEqual(env.fetches.map((f) => f.body.ranges.length), [1000, 200]);
  assert.equal(env.fetches[0].body.ranges[0], '2:2');
  assert.match(lastAlert(env), /^1,200 rows selected: 1,200 would be sent\. 1,200 hidden rows are left out\.$/);
});

test('a function deployed with a lower MAX_ROWS answers 413: the parts are halved and the same rows sent again', () => {
  const sheet = new FakeSheet({ rows: candidateRows(4000) }).select(['2:4001']);
  const fn = fakeFunction(sheet);
  const rowCount = (ranges) => ranges.reduce((n, r) => n + Number(r.split(':')[1]) - Number(r.split(':')[0]) + 1, 0);
  const env = loadScript({
    properties: SETTINGS,
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    fetch: (url, params, body) =>
      rowCount(body.ranges) > 2000
        ? { status: 413, body: { error: { code: 'too_many_rows', message: 'Over MAX_ROWS (2000).' } } }
        : fn(url, params, body),
  });
  env.context.sendEmailInvitations();
  assert.deepEqual(dry(env).map((f) => f.body.ranges), [['2:4001'], ['2:2001'], ['2002:4001']]);
  assert.deepEqual(real(env).map((f) => f.body.ranges), [['2:2001'], ['2002:4001']], 'the real run keeps the halved size');
  assert.match(lastAlert(env), /^Done: 4,000 email invitations sent\./);
});

test('remaining ranges of an answer go in the next call, and its not_yet rows are counted once', () => {
  const env = setup({ count: 10, selection: ['2:11'], functionOptions: { budget: 4 } });
  env.context.sendEmailInvitations();
  assert.deepEqual(real(env).map((f) => f.body.ranges), [['2:11'], ['6:11'], ['10:11']]);
  assert.deepEqual(env.fn.answers.slice(1).map((a) => a.summary.not_yet), [6, 2, 0], 'the answers said not_yet 8 times');
  assert.deepEqual(env.spreadsheet.toasts.map((t) => t.msg), ['4 of 10 done…', '8 of 10 done…', '10 of 10 done…']);
  assert.equal(lastAlert(env), 'Done: 10 email invitations sent. The result column tells what happened to each row.');
});

test('an answer that makes no progress stops the run with a sentence instead of looping', () => {
  const env = setup({ count: 3, selection: ['2:4'], functionOptions: { budget: 0 } });
  env.context.sendEmailInvitations();
  assert.equal(real(env).length, 1);
  assert.equal(
    lastAlert(env),
    'The invitation service stopped answering for the remaining rows. Run it again on the same selection to continue. ' +
      'So far: 0 email invitations sent. 3 rows are not done yet: run it again on the same selection to continue ' +
      '(rows already done are skipped). The result column tells what happened to each row.',
  );
});

// --- the 6 minutes ---------------------------------------------------------------------------

/**
 * A sheet of 1,200 candidates in parts of 100 (CHUNK_SIZE), answered by a function that remembers who is registered,
 * where a dry-run call takes 1 s and a real call 50 s per 100 new rows (1 s when it has none to send).
 */
function slowWorld() {
  const sheet = new FakeSheet({ rows: candidateRows(1200) }).select(['2:1201']);
  const registered = new Set();
  const fn = fakeFunction(sheet, {
    status: (row, body) => (registered.has(row) ? 'registered' : body.dry_run ? 'would_send' : (registered.add(row), 'ok')),
    takesMs: (body, rows) => (body.dry_run ? 1000 : Math.max(1000, rows.filter((r) => r.status === 'ok').length * 500)),
  });
  const run = (answers = []) => {
    const env = loadScript({
      properties: { ...SETTINGS, CHUNK_SIZE: '100' },
      spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
      fetch: fn,
    });
    env.ui.answers.push(...answers);
    env.context.sendEmailInvitations();
    return env;
  };
  return { sheet, registered, run };
}

test('no call starts with less than 90 s of the 6 minutes left; the dialog says how many rows are done and how to go on', () => {
  const world = slowWorld();
  const env = world.run();
  // Dry run: 12 calls of 1 s. Real calls of 50 s start at 12, 62, 112, 162, 212 and 262 s (98 s left); at 312 s
  // only 48 s are left, so the run stops.
  assert.equal(dry(env).length, 12);
  assert.deepEqual(real(env).map((f) => f.body.ranges[0]), ['2:101', '102:201', '202:301', '302:401', '402:501', '502:601']);
  assert.equal(
    lastAlert(env),
    'Stopped before the Apps Script time limit (6 minutes, dialogs included) with 600 of 1,200 rows done. So far: 600 ' +
      'email invitations sent. 600 rows are not done yet: run it again on the same selection to continue (rows already ' +
      'done are skipped). The result column tells what happened to each row.',
  );
  assert.equal(env.executions[0].error, undefined, 'Apps Script did not have to end it');
  assert.ok(env.executions[0].endedAt - env.executions[0].startedAt < 6 * 60_000);
  assert.equal(env.lock.held, false);

  const again = world.run();
  assert.equal(
    again.ui.alerts[0].prompt,
    'Send 600 email invitations? 600 rows are skipped because they are already registered.',
  );
  assert.equal(lastAlert(again), 'Done: 600 email invitations sent. 600 rows were skipped. The result column tells what happened to each row.');
  assert.equal(world.registered.size, 1200);
});

test('the time the recruiter spends on the confirmation counts: with less than 90 s left, no call starts', () => {
  const world = slowWorld();
  const env = world.run([{ button: Button.OK, thinkMs: 5 * 60_000 }]);
  assert.equal(real(env).length, 0);
  assert.match(lastAlert(env), /^Stopped before the Apps Script time limit \(6 minutes, dialogs included\) with 0 of 1,200 rows done\./);
  assert.equal(env.executions[0].error, undefined);
});

test('a dry run that cannot finish in time tells the recruiter to select fewer rows', () => {
  const sheet = new FakeSheet({ rows: candidateRows(1200) }).select(['2:1201']);
  const fn = fakeFunction(sheet, { takesMs: () => 55_000 });
  const env = loadScript({
    properties: { ...SETTINGS, CHUNK_SIZE: '100' },
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    fetch: fn,
  });
  env.context.sendEmailInvitations();
  assert.equal(env.fetches.length, 5, 'calls start at 0, 55, 110, 165 and 220 s; at 275 s only 85 s are left');
  assert.equal(env.ui.alerts[0].prompt, 'Checking the selection took too long. Select fewer rows, then try again.');
});

test('a call that takes longer than UrlFetchApp waits (60 s): the function may still be writing, wait and run again', () => {
  const env = setup({ functionOptions: { takesMs: (body) => (body.dry_run ? 2000 : 75_000) } });
  env.context.sendEmailInvitations();
  assert.equal(real(env).length, 1);
  assert.equal(env.clock.now() - env.executions[0].startedAt, 62_000, 'UrlFetchApp gave up after 60 s');
  assert.equal(
    lastAlert(env),
    'The invitation service did not answer within a minute. It may still be writing results: wait a minute, then run ' +
      'it again on the same selection (rows already done are skipped). So far: 0 email invitations sent. The result ' +
      'column tells what happened to each row.',
  );
});

// --- Google Sheets asks to wait (retry_after_seconds) -------------------------------------------

test('an answer with remaining and retry_after_seconds: the run waits that long and goes on; no quota sentence', () => {
  const env = setup({ count: 10, selection: ['2:11'], functionOptions: { budget: 4, retryAfter: 30 } });
  env.context.sendEmailInvitations();
  assert.deepEqual(real(env).map((f) => f.body.ranges), [['2:11'], ['6:11'], ['10:11']]);
  assert.deepEqual(env.sleeps, [30_000, 30_000]);
  assert.ok(env.spreadsheet.toasts.some((t) => t.msg === 'Google Sheets asks to slow down: continuing in 30 seconds…'));
  assert.equal(lastAlert(env), 'Done: 10 email invitations sent. The result column tells what happened to each row.');
});

test('an answer that did nothing but asks to wait is waited for, not taken for a function that stopped answering', () => {
  const sheet = new FakeSheet({ rows: candidateRows(3) }).select(['2:4']);
  const idle = fakeFunction(sheet, { budget: 0, retryAfter: 20 });
  const working = fakeFunction(sheet);
  let realCalls = 0;
  const env = loadScript({
    properties: SETTINGS,
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    fetch: (url, params, body) => (!body.dry_run && ++realCalls === 1 ? idle : working)(url, params, body),
  });
  env.context.sendEmailInvitations();
  assert.deepEqual(env.sleeps, [20_000]);
  assert.equal(lastAlert(env), 'Done: 3 email invitations sent. The result column tells what happened to each row.');
});

test('the 429 sheets_quota_exceeded error: the run waits retry_after_seconds and sends the same call again', () => {
  const sheet = new FakeSheet({ rows: candidateRows(5) }).select(['2:6']);
  const fn = fakeFunction(sheet);
  let realCalls = 0;
  const quota = {
    retry_after_seconds: 42,
    error: { code: 'sheets_quota_exceeded', message: 'Google Sheets asks to slow down; wait a minute and run the menu again.' },
  };
  const env = loadScript({
    properties: SETTINGS,
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    fetch: (url, params, body) => (!body.dry_run && ++realCalls === 1 ? { status: 429, body: quota } : fn(url, params, body)),
  });
  env.context.sendEmailInvitations();
  assert.deepEqual(real(env).map((f) => f.body.ranges), [['2:6'], ['2:6']]);
  assert.deepEqual(env.sleeps, [42_000]);
  assert.ok(env.ui.alerts.every((a) => !a.prompt.includes('slow down')), 'the recruiter never reads the quota error');
  assert.equal(lastAlert(env), 'Done: 5 email invitations sent. The result column tells what happened to each row.');
});

test('a wait that would leave less than 90 s is not made: the run stops and says how to go on', () => {
  const sheet = new FakeSheet({ rows: candidateRows(10) }).select(['2:11']);
  // Each real call takes 50 s and does 4 rows, then asks for 100 s: after the first call (at 51 s) the wait
  // fits (309 - 100 = 209 s left); after the second (at 201 s) it does not (159 - 100 < 90).
  const fn = fakeFunction(sheet, { budget: 4, retryAfter: 100, takesMs: (body) => (body.dry_run ? 1000 : 50_000) });
  const env = loadScript({ properties: SETTINGS, spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }), fetch: fn });
  env.context.sendEmailInvitations();
  assert.equal(real(env).length, 2);
  assert.deepEqual(env.sleeps, [100_000]);
  assert.equal(
    lastAlert(env),
    'Stopped with 8 of 10 rows done: Google Sheets asked to wait longer than this run has time left. So far: 8 email ' +
      'invitations sent. 2 rows are not done yet: run it again on the same selection to continue (rows already done ' +
      'are skipped). The result column tells what happened to each row.',
  );
});

test('the dry run waits for the quota too, and the preview shows the whole selection', () => {
  const sheet = new FakeSheet({ rows: candidateRows(3) }).select(['2:4']);
  const fn = fakeFunction(sheet);
  let calls = 0;
  const env = loadScript({
    properties: SETTINGS,
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    fetch: (url, params, body) =>
      ++calls === 1 ? { status: 429, body: { retry_after_seconds: 5, error: { code: 'sheets_quota_exceeded' } } } : fn(url, params, body),
  });
  env.context.previewSelection();
  assert.deepEqual(env.sleeps, [5000]);
  assert.equal(lastAlert(env), '3 rows selected: 3 would be sent.');
});

// --- the script's own writes ---------------------------------------------------------------------

test('after writing rows itself the script flushes them before the next call', () => {
  const env = setup({ count: 6, selection: ['2:7'], functionOptions: { budget: 2, written: false } });
  env.context.sendEmailInvitations();
  assert.equal(real(env).length, 3);
  const events = env.events.filter((e) => e === 'fetch' || e === 'flush' || e.startsWith('write'));
  for (let i = 0; i < events.length; i++) {
    if (events[i] !== 'fetch') continue;
    const lastWrite = events.slice(0, i).map((e) => e.startsWith('write')).lastIndexOf(true);
    if (lastWrite >= 0) assert.ok(events.slice(lastWrite, i).includes('flush'), 'call ' + i + ' after unflushed writes: ' + events.join(', '));
  }
  assert.equal(events.at(-1), 'flush', 'the last writes are flushed before the closing dialog');
  assert.equal(env.sheet.rowValues(7)[4], 'ok');
});

test('the answer is read as UTF-8', () => {
  const message = 'Zoë Ångström\'s row: JobMojito says “no” – fix the email.';
  const env = setup({ fetch: () => ({ status: 422, body: { error: { code: 'jobmojito_rejected_request', message } } }) });
  env.context.previewSelection();
  assert.equal(lastAlert(env), message);
});

// --- the lock --------------------------------------------------------------------------------

test('another run in progress: the user is told, nothing is sent, the other run keeps its lock', () => {
  const env = setup();
  env.lock.heldElsewhere = true;
  env.context.sendEmailInvitations();
  assert.equal(env.ui.alerts[0].prompt, 'Another JobMojito run is in progress in this Sheet. Wait until it has finished, then try again.');
  assert.equal(env.fetches.length, 0);
  assert.equal(env.lock.releases, 0);
});

test('the lock is released when the run throws', () => {
  const env = setup();
  env.context.ScriptApp.getIdentityToken = () => {
    throw new Error('boom');
  };
  assert.throws(() => env.context.sendEmailInvitations(), /boom/);
  assert.equal(env.lock.held, false);
});
