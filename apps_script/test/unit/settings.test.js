'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadScript, FakeSheet, FakeSpreadsheet } = require('../fakes');
const { candidateRows } = require('../fake-function');

const plain = (x) => JSON.parse(JSON.stringify(x));

test('validateSettings accepts https URLs and local http URLs', () => {
  const { context } = loadScript();
  for (const url of [
    'https://europe-west1-proj.cloudfunctions.net/jobmojito',
    'http://127.0.0.1:8080/',
    'http://localhost:8080',
    'http://localhost',
  ]) {
    assert.equal(context.validateSettings({ functionUrl: url, interviewId: 'iv-1' }).ok, true, url);
  }
});

test('validateSettings refuses other URLs and an empty interview ID with plain sentences', () => {
  const { context } = loadScript();
  for (const url of ['http://example.com/f', 'ftp://x', 'https://', 'javascript:alert(1)', 'http://localhost.evil.com/']) {
    const checked = context.validateSettings({ functionUrl: url, interviewId: 'iv-1' });
    assert.equal(checked.ok, false, url);
    assert.match(checked.errors[0], /must start with https:\/\//);
  }
  assert.deepEqual(plain(context.validateSettings({ functionUrl: ' ', interviewId: ' ' }).errors), [
    'Fill in the function URL.',
    'Fill in the interview ID.',
  ]);
});

test('saveSettings stores trimmed values in the document properties; getSettings reads them back', () => {
  const env = loadScript();
  const saved = env.context.saveSettings({ functionUrl: ' https://f.example/run ', interviewId: ' iv-9 ', hideMenu: true });
  assert.deepEqual(plain(saved), { functionUrl: 'https://f.example/run', interviewId: 'iv-9', hideMenu: true });
  assert.deepEqual(env.documentProperties.getProperties(), {
    FUNCTION_URL: 'https://f.example/run',
    INTERVIEW_ID: 'iv-9',
    HIDE_MENU: 'true',
  });
  assert.deepEqual(plain(env.context.getSettings()), plain(saved));
});

test('saveSettings refuses invalid values and saves nothing', () => {
  const env = loadScript();
  assert.throws(
    () => env.context.saveSettings({ functionUrl: 'http://example.com', interviewId: '' }),
    /The function URL must start with https:\/\/.*Fill in the interview ID\./,
  );
  assert.deepEqual(env.documentProperties.getProperties(), {});
});

test('getSettings gives empty values when nothing is saved', () => {
  const env = loadScript();
  assert.deepEqual(plain(env.context.getSettings()), { functionUrl: '', interviewId: '', hideMenu: false });
});

test('showSettings opens Settings.html in a sidebar', () => {
  const env = loadScript();
  env.context.showSettings();
  assert.equal(env.ui.sidebars.length, 1);
  assert.equal(env.ui.sidebars[0].getTitle(), 'JobMojito settings');
  assert.match(env.ui.sidebars[0].getContent(), /google\.script\.run/);
});

test('getChunkSize reads CHUNK_SIZE between 1 and 500, else uses 500', () => {
  for (const [raw, size] of [[undefined, 500], ['100', 100], ['1', 1], ['500', 500], ['501', 500], ['0', 500], ['abc', 500], ['2.5', 500]]) {
    const env = loadScript({ properties: raw === undefined ? {} : { CHUNK_SIZE: raw } });
    assert.equal(env.context.getChunkSize(), size, String(raw));
  }
});

for (const [name, properties, sentence] of [
  ['both missing', {}, 'fill in the function URL and the interview ID'],
  ['URL missing', { INTERVIEW_ID: 'iv' }, 'fill in the function URL in'],
  ['interview ID missing', { FUNCTION_URL: 'https://f.example' }, 'fill in the interview ID in'],
]) {
  test('missing settings (' + name + ') lead to the sidebar with a sentence, and nothing is called', () => {
    const sheet = new FakeSheet({ rows: candidateRows(3) }).select(['2:3']);
    const env = loadScript({ properties, spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }) });
    env.context.sendEmailInvitations();
    assert.ok(env.ui.alerts[0].prompt.includes(sentence), env.ui.alerts[0].prompt);
    assert.equal(env.ui.sidebars.length, 1);
    assert.equal(env.fetches.length, 0);
  });
}
