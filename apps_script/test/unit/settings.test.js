'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadScript, FakeSheet, FakeSpreadsheet } = require('../fakes');
const { candidateRows, fakeFunction, replay } = require('../fake-function');

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
  assert.deepEqual(plain(saved), {
    functionUrl: 'https://f.example/run', interviewId: 'iv-9', hideMenu: true, testMode: false, languageCode: 'en',
  });
  assert.deepEqual(env.documentProperties.getProperties(), {
    FUNCTION_URL: 'https://f.example/run',
    INTERVIEW_ID: 'iv-9',
    HIDE_MENU: 'true',
    TEST_MODE: 'false',
    MOJITO_LANGUAGE_CODE: 'en',
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

test('getSettings gives empty values when nothing is saved and nothing is deployed', () => {
  const env = loadScript({ files: { 'Deployment.js': "const DEPLOYED_FUNCTION_URL = '';" } });
  assert.deepEqual(plain(env.context.getSettings()), {
    functionUrl: '', interviewId: '', hideMenu: false, testMode: false, languageCode: 'en',
  });
});

const DEPLOYED = "const DEPLOYED_FUNCTION_URL = 'https://europe-west1-acme-hr.cloudfunctions.net/jobmojito-invite';\n";

test('the function URL that make deploy wrote into Deployment.js is the default of the setting', () => {
  const env = loadScript({ files: { 'Deployment.js': DEPLOYED } });
  assert.deepEqual(plain(env.context.getSettings()), {
    functionUrl: 'https://europe-west1-acme-hr.cloudfunctions.net/jobmojito-invite',
    interviewId: '',
    hideMenu: false,
    testMode: false,
    languageCode: 'en',
  });
  const saved = loadScript({ files: { 'Deployment.js': DEPLOYED }, properties: { FUNCTION_URL: 'https://other.example/f' } });
  assert.equal(saved.context.getSettings().functionUrl, 'https://other.example/f', 'a saved URL wins');
});

test('with a deployed URL, a Sheet needs only the interview ID before its first run', () => {
  const sheet = new FakeSheet({ rows: candidateRows(3) }).select(['2:3']);
  const env = loadScript({
    files: { 'Deployment.js': DEPLOYED },
    properties: { INTERVIEW_ID: 'iv-1' },
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    fetch: fakeFunction(sheet),
  });
  env.context.previewSelection();
  assert.equal(env.fetches[0].url, 'https://europe-west1-acme-hr.cloudfunctions.net/jobmojito-invite');
});

test('saving the deployed URL (or an empty field) saves no URL, so the Sheet follows the next deploy', () => {
  const env = loadScript({ files: { 'Deployment.js': DEPLOYED }, properties: { FUNCTION_URL: 'https://old.example/f' } });
  const deployed = 'https://europe-west1-acme-hr.cloudfunctions.net/jobmojito-invite';
  assert.equal(env.context.saveSettings({ functionUrl: deployed, interviewId: 'iv-1' }).functionUrl, deployed);
  const rest = { INTERVIEW_ID: 'iv-1', HIDE_MENU: 'false', TEST_MODE: 'false', MOJITO_LANGUAGE_CODE: 'en' };
  assert.deepEqual(env.documentProperties.getProperties(), rest);
  assert.equal(env.context.saveSettings({ functionUrl: ' ', interviewId: 'iv-1' }).functionUrl, deployed);
  assert.deepEqual(env.documentProperties.getProperties(), rest);
  env.context.saveSettings({ functionUrl: 'https://staging.example/f', interviewId: 'iv-1' });
  assert.equal(env.documentProperties.getProperty('FUNCTION_URL'), 'https://staging.example/f');
});

test('Deployment.js as committed holds the constant make deploy rewrites', () => {
  const text = require('node:fs').readFileSync(require('node:path').join(__dirname, '..', '..', 'Deployment.js'), 'utf8');
  assert.match(text, /^const DEPLOYED_FUNCTION_URL = '[^']*';$/m);
});

test('showSettings opens Settings.html in a sidebar', () => {
  const env = loadScript();
  env.context.showSettings();
  assert.equal(env.ui.sidebars.length, 1);
  assert.equal(env.ui.sidebars[0].getTitle(), 'JobMojito settings');
  assert.match(env.ui.sidebars[0].getContent(), /google\.script\.run/);
});

test('getPartSize reads CHUNK_SIZE between 1 and 5,000, else uses 5,000 (the function\'s MAX_ROWS)', () => {
  const cases = [[undefined, 5000], ['100', 100], ['1', 1], ['500', 500], ['5000', 5000], ['5001', 5000], ['0', 5000], ['abc', 5000], ['2.5', 5000]];
  for (const [raw, size] of cases) {
    const env = loadScript({ properties: raw === undefined ? {} : { CHUNK_SIZE: raw } });
    assert.equal(env.context.getPartSize(), size, String(raw));
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

// --- test mode and the language of personal invitations (issue 11) ---------------------------------

const { statusFunction, LANGUAGES } = require('../status-answers');

test('test mode and the language are saved in the document properties and read back', () => {
  const env = loadScript();
  env.context.saveSettings({ functionUrl: 'https://f.example/run', interviewId: 'iv-1', testMode: true, languageCode: 'pt-BR' });
  assert.equal(env.documentProperties.getProperty('TEST_MODE'), 'true');
  assert.equal(env.documentProperties.getProperty('MOJITO_LANGUAGE_CODE'), 'pt-BR');
  assert.deepEqual(
    [env.context.getSettings().testMode, env.context.getSettings().languageCode],
    [true, 'pt-BR'],
  );
  env.context.saveSettings({ functionUrl: 'https://f.example/run', interviewId: 'iv-1', testMode: false, languageCode: '' });
  assert.deepEqual([env.context.getSettings().testMode, env.context.getSettings().languageCode], [false, 'en']);
});

test('a language code that is not one is refused with a sentence, and nothing is saved', () => {
  const env = loadScript();
  assert.throws(
    () => env.context.saveSettings({ functionUrl: 'https://f.example/run', interviewId: 'iv-1', languageCode: '<script>' }),
    /Choose the language of personal invitations from the list\./,
  );
  assert.deepEqual(env.documentProperties.getProperties(), {});
});

/** A script whose function answers `"action": "languages"` with `languages` (or an error). */
function languagesSetup(languages, properties) {
  const sheet = new FakeSheet({ rows: candidateRows(1) });
  return loadScript({
    properties: { FUNCTION_URL: 'https://f.example/run', INTERVIEW_ID: 'iv', ...properties },
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    fetch: statusFunction(sheet, { languages }),
  });
}

test('the language list is filled from the function\'s "action": "languages" answer (recorded), the saved language chosen', () => {
  const env = languagesSetup(undefined, { MOJITO_LANGUAGE_CODE: 'fr' });
  const choices = plain(env.context.getLanguageChoices());
  assert.deepEqual(env.fetches[0].body, replay('languages').fixture.calls[0].request, 'the recorded request');
  assert.deepEqual(choices, {
    ok: true,
    selected: 'fr',
    languages: [
      { code: 'cs', name: 'Czech (Čeština)' },
      { code: 'nl', name: 'Dutch (Nederlands)' },
      { code: 'en', name: 'English' },
      { code: 'fr', name: 'French (Français)' },
      { code: 'de', name: 'German (Deutsch)' },
      { code: 'es', name: 'Spanish (Español)' },
    ],
    message: '',
  });
  assert.equal(plain(languagesSetup().context.getLanguageChoices()).selected, 'en', 'default en');
});

test('when the list cannot be loaded the saved language is kept, the only choice, and the sidebar says so', () => {
  const refused = languagesSetup(() => ({ status: 403, body: { error: { code: 'user_not_allowed', message: 'Your Google account may not use this function.' } } }), { MOJITO_LANGUAGE_CODE: 'de' });
  assert.deepEqual(plain(refused.context.getLanguageChoices()), {
    ok: false,
    selected: 'de',
    languages: [{ code: 'de', name: 'de' }],
    message: 'The list of languages could not be loaded (Your Google account may not use this function.). The saved language (de) is kept.',
  });
  const malformed = languagesSetup(() => ({ status: 200, body: { languages: [] } }));
  const choices = plain(malformed.context.getLanguageChoices());
  assert.deepEqual([choices.ok, choices.selected, choices.languages], [false, 'en', [{ code: 'en', name: 'en' }]]);
  const noUrl = loadScript({ files: { 'Deployment.js': "const DEPLOYED_FUNCTION_URL = '';" } });
  assert.match(noUrl.context.getLanguageChoices().message, /fill in the function URL first\)\. The saved language \(en\) is kept\.$/);
  assert.equal(noUrl.fetches.length, 0);
});

test('a saved language JobMojito no longer lists stays chosen, named by its code', () => {
  const env = languagesSetup(undefined, { MOJITO_LANGUAGE_CODE: 'pt-BR' });
  const choices = plain(env.context.getLanguageChoices());
  assert.equal(choices.selected, 'pt-BR');
  assert.deepEqual(choices.languages[0], { code: 'pt-BR', name: 'pt-BR' });
  assert.equal(choices.languages.length, LANGUAGES.languages.length + 1);
});

test('the language list uses the URL typed in the sidebar, saved or not', () => {
  const env = languagesSetup(undefined);
  env.context.getLanguageChoices({ functionUrl: 'https://typed.example/f' });
  assert.equal(env.fetches[0].url, 'https://typed.example/f');
});
