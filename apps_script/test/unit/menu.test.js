'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadScript } = require('../fakes');

const plain = (x) => JSON.parse(JSON.stringify(x));

test('onOpen builds the JobMojito menu with its five items', () => {
  const env = loadScript();
  env.context.onOpen({});
  assert.equal(env.ui.menus.length, 1);
  const menu = env.ui.menus[0];
  assert.equal(menu.caption, 'JobMojito');
  assert.deepEqual(
    plain(menu.items.filter((i) => !i.separator)),
    [
      { caption: 'Generate interview links', functionName: 'generateInterviewLinks' },
      { caption: 'Send email invitations', functionName: 'sendEmailInvitations' },
      { caption: 'Preview selection', functionName: 'previewSelection' },
      { caption: 'Settings…', functionName: 'showSettings' },
      { caption: 'Help', functionName: 'showHelp' },
    ],
  );
  for (const item of menu.items.filter((i) => !i.separator)) {
    assert.equal(typeof env.context[item.functionName], 'function', item.functionName + ' is a global function');
  }
});

test('onInstall builds the menu too', () => {
  const env = loadScript();
  env.context.onInstall({});
  assert.equal(env.ui.menus.length, 1);
});

test('Help explains the columns, every result text and where to get support', () => {
  const env = loadScript();
  env.context.showHelp();
  const text = env.ui.alerts[0].prompt;
  for (const phrase of [
    'interview_url', 'result', 'profile_interview_id', 'ok', 'Error:', 'Skipped: duplicate of row',
    'Skipped: already registered', 'Skipped: pending from an interrupted run', 'Pending', 'Support',
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
