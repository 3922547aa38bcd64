'use strict';
/**
 * The manifest: V8, only the scopes the script needs (spelled as Apps Script expects them),
 * and a URL allow-list for UrlFetchApp.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const manifest = require(path.join(__dirname, '..', '..', 'appsscript.json'));

test('the manifest runs on V8', () => {
  assert.equal(manifest.runtimeVersion, 'V8');
});

test('the manifest asks for exactly the six scopes the script uses', () => {
  assert.deepEqual([...manifest.oauthScopes].sort(), [
    'https://www.googleapis.com/auth/script.container.ui',
    'https://www.googleapis.com/auth/script.external_request',
    // ScriptApp.newTrigger / getProjectTriggers / deleteTrigger: the hourly status refresh's trigger.
    'https://www.googleapis.com/auth/script.scriptapp',
    'https://www.googleapis.com/auth/spreadsheets',
    'https://www.googleapis.com/auth/userinfo.email',
    // ScriptApp.getIdentityToken() needs the bare "openid" scope, not a URL.
    'openid',
  ]);
});

test('UrlFetchApp may call only https prefixes ending with a slash', () => {
  assert.ok(manifest.urlFetchWhitelist.length > 0);
  for (const prefix of manifest.urlFetchWhitelist) assert.match(prefix, /^https:\/\/[^/]+\/.*$/);
});
