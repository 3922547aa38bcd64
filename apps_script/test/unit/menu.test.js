'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadScript, AuthMode, MANIFEST_SCOPES, FakeSheet, FakeSpreadsheet } = require('../fakes');
const { fakeFunction, candidateRows } = require('../fake-function');

const plain = (x) => JSON.parse(JSON.stringify(x));
const MENU_ITEMS = [
  'generateInterviewLinks', 'sendEmailInvitations', 'sendPersonalInvitations', 'previewSelection', 'refreshInterviewStatus',
  'turnOnHourlyRefresh', 'turnOffHourlyRefresh', 'showSettings', 'showHelp',
];

test('onOpen builds the add-on menu (Extensions > JobMojito) with its nine items, and no top-level menu', () => {
  const env = loadScript();
  env.context.onOpen({ authMode: AuthMode.FULL });
  assert.equal(env.ui.menus.length, 1);
  const menu = env.ui.menus[0];
  assert.equal(menu.addon, true, 'createAddonMenu, not createMenu');
  assert.deepEqual(
    plain(menu.items.filter((i) => !i.separator)),
    [
      { caption: 'Generate interview links', functionName: 'generateInterviewLinks' },
      { caption: 'Send email invitations', functionName: 'sendEmailInvitations' },
      { caption: 'Send personal invitations…', functionName: 'sendPersonalInvitations' },
      { caption: 'Preview selection', functionName: 'previewSelection' },
      { caption: 'Refresh interview status', functionName: 'refreshInterviewStatus' },
      { caption: 'Turn on hourly status refresh', functionName: 'turnOnHourlyRefresh' },
      { caption: 'Turn off hourly status refresh', functionName: 'turnOffHourlyRefresh' },
      { caption: 'Settings…', functionName: 'showSettings' },
      { caption: 'Help', functionName: 'showHelp' },
    ],
  );
  for (const item of menu.items.filter((i) => !i.separator)) {
    assert.equal(typeof env.context[item.functionName], 'function', item.functionName + ' is a global function');
  }
});

for (const mode of [AuthMode.NONE, AuthMode.LIMITED, AuthMode.FULL]) {
  test('onOpen works in AuthMode.' + mode + ': the same menu, and no call that needs authorization', () => {
    const env = loadScript({ properties: { FUNCTION_URL: 'https://f.example/run', INTERVIEW_ID: 'iv-7' } });
    env.context.onOpen({ authMode: mode, source: env.spreadsheet });
    assert.equal(env.executions[0].authMode, mode);
    assert.equal(env.executions[0].error, undefined);
    assert.equal(env.ui.menus.length, 1);
    assert.deepEqual(env.ui.menus[0].items.filter((i) => !i.separator).map((i) => i.functionName), MENU_ITEMS);
  });
}

test('in AuthMode.NONE the fake refuses what Apps Script refuses: reading a property, the document, the network', () => {
  const env = loadScript({ properties: { FUNCTION_URL: 'https://f.example/run' } });
  const none = { authMode: AuthMode.NONE };
  assert.throws(() => env.context.getSettings(none), /You do not have permission to call PropertiesService\.getDocumentProperties/);
  assert.throws(() => env.context.readSelection(none), /permission to call SpreadsheetApp\.getActiveSheet/);
  const limited = loadScript({ properties: { FUNCTION_URL: 'https://f.example/run' } });
  assert.equal(limited.context.getSettings({ authMode: AuthMode.LIMITED }).functionUrl, 'https://f.example/run');
  assert.throws(() => limited.context.callFunction({ authMode: AuthMode.LIMITED }), /permission to call ScriptApp\.getIdentityToken/);
});

test('onInstall builds the same menu (the add-on was just installed: AuthMode.FULL)', () => {
  const env = loadScript();
  env.context.onInstall({ authMode: AuthMode.FULL });
  assert.equal(env.ui.menus.length, 1);
  assert.equal(env.ui.menus[0].addon, true);
});

test('every menu item first asks again for scopes the recruiter declined, and does nothing else', () => {
  const partial = MANIFEST_SCOPES.filter((s) => !s.endsWith('/spreadsheets'));
  for (const item of MENU_ITEMS) {
    const sheet = new FakeSheet({ rows: candidateRows(3) }).select(['2:3']);
    const env = loadScript({
      grantedScopes: partial,
      properties: { FUNCTION_URL: 'https://f.example/run', INTERVIEW_ID: 'iv-7' },
      spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
      fetch: fakeFunction(sheet),
    });
    env.context[item]();
    assert.deepEqual(env.authorizationPrompts, [['https://www.googleapis.com/auth/spreadsheets']], item);
    assert.equal(env.executions[0].error, 'Authorization required', item);
    assert.deepEqual([env.ui.alerts.length, env.ui.sidebars.length, env.ui.dialogs.length, env.fetches.length], [0, 0, 0, 0], item);
    assert.deepEqual(env.triggers.all(), [], item);
  }
});

test('with every scope granted the menu items run as usual', () => {
  const sheet = new FakeSheet({ rows: candidateRows(3) }).select(['2:3']);
  const env = loadScript({
    properties: { FUNCTION_URL: 'https://f.example/run', INTERVIEW_ID: 'iv-7' },
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    fetch: fakeFunction(sheet),
  });
  env.context.previewSelection();
  assert.deepEqual(env.authorizationPrompts, []);
  assert.equal(env.ui.alerts.at(-1).prompt, '2 rows selected: 2 would be sent.');
});

test('Help explains the columns, every result text and where to get support', () => {
  const env = loadScript();
  env.context.showHelp();
  const text = env.ui.alerts[0].prompt;
  for (const phrase of [
    'interview_url', 'result', 'profile_interview_id', 'ok', 'Error:', 'Skipped: duplicate of row',
    'Skipped: already registered', 'Skipped: pending from an interrupted run', 'Pending', 'Support',
    'interview_status', 'score', 'decision', 'status_updated', 'Refresh interview status', 'hourly status refresh',
    'Send personal invitations', 'Test mode', 'ok (test)', 'Invited:', 'Activated:', 'Skipped: already invited',
  ]) {
    assert.ok(text.includes(phrase), 'help mentions ' + phrase);
  }
});

test('showIdentityTokenAudience logs and shows the aud of the identity token', () => {
  const payload = Buffer.from(JSON.stringify({ aud: '1234-abc.apps.googleusercontent.com', email: 'é@x.org' }))
    .toString('base64url');
  const env = loadScript({ identityToken: 'eyJhbGciOiJSUzI1NiJ9.' + payload + '.c2ln' });
  assert.equal(env.context.showIdentityTokenAudience(), '1234-abc.apps.googleusercontent.com');
  assert.match(env.logs[0], /1234-abc\.apps\.googleusercontent\.com/);
  assert.match(env.ui.alerts[0].prompt, /ALLOWED_AUDIENCES/);
});

test('showIdentityTokenAudience says what is wrong without a token', () => {
  const env = loadScript({ identityToken: null });
  assert.throws(() => env.context.showIdentityTokenAudience(), /openid scope/);
});

test('the recruiter guide names the menu items and the Settings fields as the script does', () => {
  const fs = require('node:fs');
  const path = require('node:path');
  const guide = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'recruiter-guide.md'), 'utf8');
  const html = fs.readFileSync(path.join(__dirname, '..', '..', 'Settings.html'), 'utf8');
  const env = loadScript();
  env.context.onOpen({ authMode: AuthMode.FULL });
  const captions = env.ui.menus[0].items.filter((i) => !i.separator).map((i) => i.caption);
  // Every item the guide opens from the menu (*Extensions → JobMojito → …*) is one, and every item is in the guide.
  const opened = [...guide.matchAll(/\*Extensions → JobMojito → ([^*]+)\*/g)].map((m) => m[1]);
  assert.ok(opened.length >= 5);
  for (const item of opened) assert.ok(captions.includes(item), 'the guide opens "' + item + '", not a menu item');
  for (const caption of captions.filter((c) => c !== 'Help')) {
    assert.ok(guide.includes('*' + caption + '*') || guide.includes('→ ' + caption + '*'), 'the guide names ' + caption);
  }
  for (const field of ['Test mode', 'Language of personal invitations']) {
    assert.match(html, new RegExp('> ?' + field + '<'), 'Settings has the field ' + field);
    assert.ok(guide.includes('**' + field + '**'), 'the guide names the setting ' + field);
  }
  assert.doesNotMatch(guide, /Invite with a personal message/);
});
