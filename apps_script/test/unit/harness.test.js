'use strict';
/**
 * The harness itself enforces Apps Script's limits, so that the script's tests cannot pass on time it would not have:
 * 6 minutes per execution (then nothing runs and no dialog shows), about 60 s per UrlFetchApp call, the
 * authorization modes, granular consent, and the bytes of an HTTP answer.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadScript, realClock, AuthMode, EXCEEDED, REAL_LIMITS, MANIFEST_SCOPES } = require('../fakes');

/** Functions of the test's own, run in the script's context like the script's. */
const PROBE = `
function callForever(url) {
  let calls = 0;
  for (;;) {
    try {
      UrlFetchApp.fetch(url, { method: 'post', payload: '{}', muteHttpExceptions: true });
    } catch (e) {
      // A script that swallows every exception still cannot outlive the limit.
    }
    calls++;
    if (calls > 1000) break;
  }
  SpreadsheetApp.getUi().alert('after the loop');
}
function fetchOnce(url) {
  try {
    return { ok: true, text: UrlFetchApp.fetch(url, { method: 'post', payload: '{}', muteHttpExceptions: true }).getContentText() };
  } catch (e) {
    return { ok: false, message: e.message, at: Date.now() };
  }
}
function sleepThenAlert(ms) {
  Utilities.sleep(ms);
  SpreadsheetApp.getUi().alert('woke up');
}
function decode(charset) {
  const response = UrlFetchApp.fetch('https://f.example/', { method: 'post', payload: '{}', muteHttpExceptions: true });
  return charset ? response.getContentText(charset) : response.getContentText();
}
`;

test('the harness uses Apps Script\'s real limits unless a test scales them down', () => {
  assert.deepEqual({ ...REAL_LIMITS }, { executionMs: 360_000, urlFetchMs: 60_000 });
  assert.deepEqual(loadScript({ limits: { executionMs: 3600 } }).limits, { executionMs: 3600, urlFetchMs: 60_000 });
});

test('an execution ends at 6 minutes: nothing after it runs, no dialog, "Exceeded maximum execution time"', () => {
  const env = loadScript({ files: { 'Probe.js': PROBE }, fetch: () => ({ status: 200, body: {}, takesMs: 50_000 }) });
  assert.equal(env.context.callForever('https://f.example/'), undefined);
  assert.equal(env.fetches.length, 8, 'calls at 0, 50, … 350 s; the 8th is cut at 360 s');
  assert.equal(env.executions[0].error, EXCEEDED);
  assert.equal(env.executions[0].endedAt - env.executions[0].startedAt, 360_000);
  assert.deepEqual(env.ui.alerts, [], 'the alert after the loop never shows');
});

test('a fetch that takes longer than about 60 s throws the timeout exception at 60 s', () => {
  const env = loadScript({ files: { 'Probe.js': PROBE }, fetch: () => ({ status: 200, body: {}, takesMs: 61_000 }) });
  const started = env.clock.now();
  const result = env.context.fetchOnce('https://f.example/run');
  assert.deepEqual({ ...result }, { ok: false, message: 'Exception: Timeout: https://f.example/run', at: started + 60_000 });
  const quick = loadScript({ files: { 'Probe.js': PROBE }, fetch: () => ({ status: 200, body: 'fine', takesMs: 59_000 }) });
  assert.equal(quick.context.fetchOnce('https://f.example/run').text, 'fine');
});

test('scaled-down limits apply the same way', () => {
  const env = loadScript({
    files: { 'Probe.js': PROBE },
    limits: { executionMs: 3_600, urlFetchMs: 600 },
    fetch: () => ({ status: 200, body: {}, takesMs: 700 }),
  });
  assert.match(env.context.fetchOnce('https://f.example/').message, /^Exception: Timeout/);
  env.context.callForever('https://f.example/');
  assert.equal(env.executions[1].error, EXCEEDED);
  assert.equal(env.executions[1].endedAt - env.executions[1].startedAt, 3_600);
});

test('a real clock: a server slower than the (scaled) fetch limit is cut by a real timeout', () => {
  let seenTimeout = 0;
  const env = loadScript({
    files: { 'Probe.js': PROBE },
    clock: realClock(),
    limits: { urlFetchMs: 200 },
    fetch: (url, params, body, { timeoutMs }) => {
      seenTimeout = timeoutMs;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300); // the server takes 300 ms
      return { status: 200, body: 'late' };
    },
  });
  assert.match(env.context.fetchOnce('https://f.example/').message, /^Exception: Timeout/);
  assert.equal(seenTimeout, 200, 'the handler is told how long UrlFetchApp waits');
});

test('Utilities.sleep past the limit ends the execution', () => {
  const env = loadScript({ files: { 'Probe.js': PROBE } });
  env.context.sleepThenAlert(359_000);
  assert.deepEqual(env.ui.alerts.map((a) => a.prompt), ['woke up']);
  env.context.sleepThenAlert(361_000);
  assert.equal(env.executions[1].error, EXCEEDED);
  assert.equal(env.ui.alerts.length, 1);
});

test('the time a recruiter spends reading a dialog counts against the execution', () => {
  const env = loadScript({ files: { 'Probe.js': PROBE + 'function ask() { const ui = SpreadsheetApp.getUi(); ui.alert("?", ui.ButtonSet.OK_CANCEL); ui.alert("next"); }' } });
  env.ui.answers.push({ button: 'OK', thinkMs: 400_000 });
  env.context.ask();
  assert.equal(env.executions[0].error, EXCEEDED);
  assert.deepEqual(env.ui.alerts.map((a) => a.prompt), ['?']);
});

test('getContentText() without a charset does not decode UTF-8; getContentText("UTF-8") does', () => {
  const env = loadScript({ files: { 'Probe.js': PROBE }, fetch: () => ({ status: 200, body: '{"m":"Zoë"}' }) });
  assert.equal(env.context.decode('UTF-8'), '{"m":"Zoë"}');
  assert.equal(env.context.decode(), '{"m":"ZoÃ«"}');
  const declared = loadScript({
    files: { 'Probe.js': PROBE },
    fetch: () => ({ status: 200, body: '"é"', headers: { 'Content-Type': 'application/json; charset=utf-8' } }),
  });
  assert.equal(declared.context.decode(), '"é"');
});

test('authorization modes: NONE allows menus only, LIMITED no network, FULL everything', () => {
  const probe = 'function props() { return PropertiesService.getDocumentProperties().getProperty("X"); }' +
    'function menu() { SpreadsheetApp.getUi().createAddonMenu().addItem("a", "b").addToUi(); }';
  const env = loadScript({ files: { 'Probe.js': PROBE + probe }, properties: { X: '1' }, fetch: () => ({ status: 200, body: 'x' }) });
  env.context.menu({ authMode: AuthMode.NONE });
  assert.equal(env.ui.menus.length, 1);
  assert.throws(() => env.context.props({ authMode: AuthMode.NONE }), /permission to call PropertiesService\.getDocumentProperties in AuthMode\.NONE/);
  assert.equal(env.context.props({ authMode: AuthMode.LIMITED }), '1');
  assert.match(env.context.fetchOnce({ authMode: AuthMode.LIMITED }).message, /permission to call UrlFetchApp\.fetch in AuthMode\.LIMITED/);
  assert.equal(env.context.props(), '1', 'a menu click runs in FULL');
});

test('a declined scope: its services throw, and requireAllScopes ends the execution with a prompt', () => {
  const granted = MANIFEST_SCOPES.filter((s) => !s.endsWith('script.external_request'));
  const env = loadScript({
    files: { 'Probe.js': PROBE + 'function gated() { ScriptApp.requireAllScopes(ScriptApp.AuthMode.FULL); SpreadsheetApp.getUi().alert("ran"); }' },
    grantedScopes: granted,
  });
  assert.match(env.context.fetchOnce('https://f.example/').message, /Required permissions: https:\/\/www\.googleapis\.com\/auth\/script\.external_request/);
  env.context.gated();
  assert.deepEqual(env.authorizationPrompts, [['https://www.googleapis.com/auth/script.external_request']]);
  assert.deepEqual(env.ui.alerts, []);
  const all = loadScript({ files: { 'Probe.js': PROBE + 'function gated() { ScriptApp.requireAllScopes(ScriptApp.AuthMode.FULL); SpreadsheetApp.getUi().alert("ran"); }' } });
  all.context.gated();
  assert.deepEqual(all.ui.alerts.map((a) => a.prompt), ['ran']);
});

test('the lock an ended execution held is released, as at the end of any execution', () => {
  const env = loadScript({
    files: { 'Probe.js': PROBE + 'function locked() { LockService.getDocumentLock().tryLock(1); Utilities.sleep(400000); }' },
  });
  env.context.locked();
  assert.equal(env.executions[0].error, EXCEEDED);
  assert.equal(env.lock.held, false);
});

test('a time-driven trigger has no UI: getUi throws in its execution, as in Apps Script', () => {
  const probe = 'function handler() { SpreadsheetApp.getUi().alert("hi"); }';
  const env = loadScript({ files: { 'Probe.js': PROBE + probe } });
  assert.throws(() => env.context.handler({ authMode: AuthMode.FULL, triggerUid: 't-1' }), /Cannot call SpreadsheetApp\.getUi\(\) from this context/);
  env.context.handler();
  assert.deepEqual(env.ui.alerts.map((a) => a.prompt), ['hi'], 'a menu click may');
});

test('triggers belong to the user who created them: others neither see nor delete them; scopes and modes apply', () => {
  const { FakeTriggerStore, FakeProperties } = require('../fakes');
  const triggers = new FakeTriggerStore();
  const documentProperties = new FakeProperties();
  const probe = 'function make() { return ScriptApp.newTrigger("make").timeBased().everyHours(1).create().getUniqueId(); }' +
    'function mine() { return ScriptApp.getProjectTriggers().map((t) => t.getUniqueId()); }' +
    'function drop(id) { ScriptApp.deleteTrigger({ id }); }';
  const ann = loadScript({ files: { 'Probe.js': PROBE + probe }, triggers, documentProperties, user: 'ann@x.org' });
  const bob = loadScript({ files: { 'Probe.js': PROBE + probe }, triggers, documentProperties, user: 'bob@x.org' });
  const id = ann.context.make();
  assert.deepEqual([...ann.context.mine()], [id]);
  assert.deepEqual([...bob.context.mine()], []);
  assert.throws(() => bob.context.drop(id), /bob@x\.org cannot delete trigger/);
  assert.throws(() => bob.fireTrigger(id), /runs as ann@x\.org/);
  assert.throws(() => ann.context.make({ authMode: AuthMode.LIMITED }), /permission to call ScriptApp\.newTrigger in AuthMode\.LIMITED/);
  const noScope = loadScript({
    files: { 'Probe.js': PROBE + probe },
    grantedScopes: MANIFEST_SCOPES.filter((s) => !s.endsWith('script.scriptapp')),
  });
  assert.throws(() => noScope.context.make(), /Required permissions: https:\/\/www\.googleapis\.com\/auth\/script\.scriptapp/);
});
