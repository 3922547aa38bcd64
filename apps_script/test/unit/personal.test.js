'use strict';
/**
 * Send personal invitations (PersonalInvitation.js) and test mode: the message dialog, the 2,000-character limit, the
 * request body, the closing counts of the personal statuses, and test mode's is_test and TEST MODE dialogs.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadScript, FakeSheet, FakeSpreadsheet, Button } = require('../fakes');
const { fakeFunction, candidateRows } = require('../fake-function');

const SETTINGS = { FUNCTION_URL: 'https://f.example/run', INTERVIEW_ID: 'iv-7' };
const lastAlert = (env) => env.ui.alerts.at(-1);

function setup(options = {}) {
  const sheet = new FakeSheet({ sheetId: 5, rows: candidateRows(options.count || 4) });
  sheet.select(options.selection || ['2:5']);
  const fn = fakeFunction(sheet, options.functionOptions);
  const env = loadScript({
    properties: { ...SETTINGS, ...options.properties },
    spreadsheet: new FakeSpreadsheet({ id: 'ss-1', sheets: [sheet] }),
    fetch: fn,
  });
  return { ...env, sheet, fn };
}

test('the menu item opens a dialog to type the message, naming the rows and the language of Settings', () => {
  const env = setup({ properties: { MOJITO_LANGUAGE_CODE: 'fr' } });
  env.context.sendPersonalInvitations();
  assert.equal(env.ui.dialogs.length, 1);
  assert.equal(env.ui.dialogs[0].title, 'Send personal invitations');
  const html = env.ui.dialogs[0].userInterface.getContent();
  assert.match(html, /<textarea id="message"/);
  assert.match(html, /4 selected rows/);
  assert.match(html, /Settings \(fr\)/);
  assert.match(html, /var MAX = 2000;/);
  assert.match(html, /sendPersonalInvitationsWithMessage/);
  assert.equal(env.fetches.length, 0, 'nothing is called before the message is typed');
});

test('the dialog\'s Send runs the invitation flow with the message and the language: preview, confirmation, run', () => {
  const env = setup({
    properties: { MOJITO_LANGUAGE_CODE: 'pt-BR' },
    functionOptions: { status: (row, body) => (body.dry_run ? 'would_send' : ({ 2: 'invited', 3: 'activated', 4: 'already_invited', 5: 'error' })[row]) },
  });
  const message = '  Hello!\nWe loved your application.\n\nAnn  ';
  assert.equal(env.context.sendPersonalInvitationsWithMessage(message), true);
  assert.equal(env.fetches.length, 2);
  for (const [i, dryRun] of [[0, true], [1, false]]) {
    assert.deepEqual(env.fetches[i].body, {
      spreadsheet_id: 'ss-1',
      sheet_id: 5,
      ranges: ['2:5'],
      type: 'personal_invitation',
      interview_id: 'iv-7',
      hide_menu: false,
      dry_run: dryRun,
      force: false,
      message_from_recruiter: 'Hello!\nWe loved your application.\n\nAnn',
      mojito_language_code: 'pt-BR',
    });
  }
  assert.match(env.ui.alerts[0].prompt, /^Send 4 personal invitations\? JobMojito emails each candidate your message\./);
  assert.equal(env.ui.alerts[0].buttons, 'OK_CANCEL');
  assert.equal(
    lastAlert(env).prompt,
    'Done: 2 personal invitations emailed by JobMojito. 1 row has an error. 1 row was skipped. Its candidate already ' +
      'had this interview: JobMojito sent nothing and no invitation was used for it. The result column tells what ' +
      'happened to each row.',
  );
});

test('Cancel at the confirmation sends nothing', () => {
  const env = setup();
  env.ui.answers.push(Button.CANCEL);
  env.context.sendPersonalInvitationsWithMessage('Hi');
  assert.equal(env.fetches.length, 1);
  assert.equal(env.fetches[0].body.dry_run, true);
});

test('an empty message is allowed and not sent; the language defaults to en', () => {
  const env = setup();
  env.context.sendPersonalInvitationsWithMessage('   \n ');
  assert.equal('message_from_recruiter' in env.fetches[0].body, false);
  assert.equal(env.fetches[0].body.mojito_language_code, 'en');
});

test('a message over 2,000 characters is refused with a sentence that says by how much; nothing is called', () => {
  const env = setup();
  assert.throws(
    () => env.context.sendPersonalInvitationsWithMessage('x'.repeat(2003)),
    { message: 'The message has 2,003 characters; JobMojito takes at most 2,000. Shorten it by 3 characters, then send again.' },
  );
  assert.equal(env.fetches.length, 0);
  assert.equal(env.context.checkPersonalMessage('x'.repeat(2000)).ok, true, 'exactly 2,000 is fine');
  assert.equal(env.context.checkPersonalMessage(' ' + 'x'.repeat(2000) + '\n').ok, true, 'counted once trimmed');
  assert.equal(env.context.checkPersonalMessage('x'.repeat(2001)).error.includes('Shorten it by 1 character,'), true);
  // Counted as the function counts (code points): 2,000 emoji are 4,000 UTF-16 units but 2,000 characters.
  assert.equal(env.context.checkPersonalMessage('🙂'.repeat(2000)).ok, true);
  assert.equal(env.context.checkPersonalMessage('🙂'.repeat(2001)).length, 2001);
});

test('test mode: personal invitations are refused with a sentence, from the menu and from the dialog', () => {
  const env = setup({ properties: { TEST_MODE: 'true' } });
  env.context.sendPersonalInvitations();
  assert.equal(env.ui.dialogs.length, 0);
  assert.equal(lastAlert(env).title, 'JobMojito (TEST MODE)');
  assert.equal(
    lastAlert(env).prompt,
    'Personal invitations cannot be sent in test mode: JobMojito has no test mode for them. Turn test mode off in ' +
      'Extensions > JobMojito > Settings… to send them, or try test mode with Send email invitations.',
  );
  assert.throws(() => env.context.sendPersonalInvitationsWithMessage('Hi'), /cannot be sent in test mode/);
  assert.equal(env.fetches.length, 0);
});

test('nothing selected: said before the dialog opens', () => {
  const env = setup({ selection: ['1:1'] });
  env.context.sendPersonalInvitations();
  assert.equal(env.ui.dialogs.length, 0);
  assert.match(lastAlert(env).prompt, /^Nothing selected/);
});

test('a personal invitation row the function could not write gets its result written, not a link', () => {
  const env = setup({ functionOptions: { status: (row, body) => (body.dry_run ? 'would_send' : 'invited'), written: (row) => row !== 3 } });
  // The invited row as the function records it: its result and profile_interview_id, no link.
  env.context.sendPersonalInvitationsWithMessage('Hi');
  assert.deepEqual(env.sheet.writes.map((w) => [w.a1, w.values[0][0]]), [
    ['E3', "'Invited: JobMojito emailed the invitation"],
    ['F3', "'profile-interview-3"],
  ]);
});

// --- test mode in the invitation runs ------------------------------------------------------------

test('test mode: Send email invitations sends is_test in the dry run and the run; every dialog says TEST MODE', () => {
  const env = setup({ properties: { TEST_MODE: 'true' } });
  env.context.sendEmailInvitations();
  assert.deepEqual(env.fetches.map((f) => f.body.is_test), [true, true]);
  assert.equal(env.ui.alerts.length, 2);
  for (const alert of env.ui.alerts) {
    assert.equal(alert.title, 'JobMojito (TEST MODE)');
    assert.match(alert.prompt, /^TEST MODE: sent as a test; JobMojito accepts draft interviews and flags these candidates' results as tests \(the result column says "ok \(test\)"\)\. /);
  }
  assert.match(lastAlert(env).prompt, /Done: 4 email invitations sent\./);
});

test('test mode: the preview and Generate interview links say TEST MODE and send is_test', () => {
  const env = setup({ properties: { TEST_MODE: 'true' } });
  env.context.previewSelection();
  assert.equal(env.ui.alerts[0].title, 'JobMojito preview (TEST MODE)');
  assert.match(env.ui.alerts[0].prompt, /^TEST MODE: .* 4 rows selected: 4 would be sent\./);
  env.context.generateInterviewLinks();
  assert.deepEqual(env.fetches.map((f) => f.body.is_test), [true, true, true]);
});

test('test mode off: no is_test field and no TEST MODE anywhere', () => {
  const env = setup();
  env.context.sendEmailInvitations();
  assert.equal(env.fetches.every((f) => !('is_test' in f.body)), true);
  assert.equal(env.ui.alerts.every((a) => a.title === 'JobMojito' && !/TEST MODE/.test(a.prompt)), true);
});

test('the confirmation and closing dialog never count the new statuses as unknown', () => {
  const env = loadScript();
  for (const status of ['invited', 'activated', 'already_invited', 'changed', 'unchanged', 'other_interview', 'settled', 'still_pending']) {
    assert.doesNotMatch(env.context.groupSentence({ status, count: 2 }), /does not know/, status);
  }
});

// --- the real function's answers, replayed (test/fixtures/personal_invitation.json, test_mode.json) ----------------

const { replay } = require('../fake-function');

/** A script over a recorded scenario's tab and selection, answered with the real function's recorded answers. */
function recorded(name) {
  const scenario = replay(name);
  const env = loadScript({ properties: scenario.properties, spreadsheet: scenario.spreadsheet, fetch: scenario.fetch });
  return { ...env, scenario };
}

test('Send personal invitations… on the real function\'s answers: the dialog, then invited, activated, already invited and an error', () => {
  const env = recorded('personal_invitation');
  env.context.sendPersonalInvitations();
  assert.equal(env.ui.dialogs.length, 1);
  assert.match(env.ui.dialogs[0].userInterface.getContent(), /4 selected rows[\s\S]*Settings \(de\)/);
  const message = env.scenario.fixture.calls[0].request.message_from_recruiter;
  assert.equal(env.context.sendPersonalInvitationsWithMessage('\n' + message + '  '), true);
  assert.deepEqual(env.scenario.problems, []);
  assert.equal(env.scenario.answered(), 2);
  assert.match(env.ui.alerts[0].prompt, /^Send 4 personal invitations\? JobMojito emails each candidate your message\./);
  assert.equal(
    lastAlert(env).prompt,
    'Done: 2 personal invitations emailed by JobMojito. 1 row has an error. 1 row was skipped. Its candidate already ' +
      'had this interview: JobMojito sent nothing and no invitation was used for it. The result column tells what ' +
      'happened to each row.',
  );
  assert.deepEqual(env.scenario.sheet.writes, [], 'the function wrote every row itself');
});

test('test mode on the real function\'s answers: is_test in both calls, TEST MODE in every dialog, ok (test) rows', () => {
  const env = recorded('test_mode');
  env.context.generateInterviewLinks();
  assert.deepEqual(env.scenario.problems, []);
  assert.equal(env.scenario.answered(), 2);
  assert.deepEqual(env.scenario.fixture.calls.map((c) => c.answer.is_test), [true, true], 'the answers say so too');
  assert.deepEqual(env.scenario.fixture.calls[1].answer.rows.map((r) => [r.status, r.result]), [['ok', 'ok (test)'], ['ok', 'ok (test)']]);
  assert.equal(env.ui.alerts.length, 2);
  for (const alert of env.ui.alerts) {
    assert.equal(alert.title, 'JobMojito (TEST MODE)');
    assert.match(alert.prompt, /^TEST MODE: sent as a test; /);
  }
  assert.match(env.ui.alerts[0].prompt, /Generate 2 interview links\?/);
  assert.match(lastAlert(env).prompt, /Done: 2 interview links created\. The result column tells what happened to each row\.$/);
});
