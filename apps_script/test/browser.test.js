'use strict';
/**
 * The settings sidebar in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core; no browser
 * is ever downloaded). Settings.html is served exactly as showSettings() builds it, from a local server on
 * 127.0.0.1, with a stand-in for google.script.run that calls getSettings/saveSettings/testConnection of the real
 * script loaded in a vm with the in-memory PropertiesService fake; Test connection is answered by the fake function
 * (test/fake-function.js, with the check answers of test/check-answers.js). Saves a screenshot of a working setup,
 * its settings saved and every link of Test connection green, to docs/sidebar.png.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { loadScript, FakeSheet, FakeSpreadsheet } = require('./fakes');
const { fakeFunction, candidateRows } = require('./fake-function');
const { ALL_GREEN, INTERVIEW_NOT_FOUND, answered } = require('./check-answers');

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = path.join(__dirname, '..', '..', 'docs', 'sidebar.png');
/** Server functions the sidebar may call, as with google.script.run. */
const EXPOSED = [
  'getSettings', 'saveSettings', 'testConnection', 'getLanguageChoices', 'getHourlyRefreshState',
  'sendPersonalInvitationsWithMessage',
];

/** google.script.run in the page: each call is a POST to /run/<name>; handlers run asynchronously, as in Apps Script. */
const GOOGLE_SCRIPT_RUN = `
(function () {
  function runner(onSuccess, onFailure) {
    return new Proxy({}, {
      get: function (_target, name) {
        if (name === 'withSuccessHandler') return function (fn) { return runner(fn, onFailure); };
        if (name === 'withFailureHandler') return function (fn) { return runner(onSuccess, fn); };
        return function () {
          var args = Array.prototype.slice.call(arguments);
          fetch('/run/' + String(name), { method: 'POST', body: JSON.stringify(args) })
            .then(function (response) { return response.json(); })
            .then(function (answer) {
              if (answer.ok) { if (onSuccess) onSuccess(answer.value); }
              else if (onFailure) onFailure(new Error(answer.message));
            });
        };
      },
    });
  }
  window.google = { script: { run: runner(null, null), host: { close: function () { window.closedByScript = true; } } } };
})();
`;

/** Serves the sidebar and the server functions of `env`; resolves to the server's base URL. */
function serveSidebar(env, server) {
  server.on('request', (req, res) => {
    let data = '';
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => {
      if (req.method === 'GET' && (req.url === '/' || req.url === '/dialog')) {
        let html;
        if (req.url === '/') {
          env.context.showSettings();
          html = env.ui.sidebars.at(-1).getContent();
        } else {
          env.context.sendPersonalInvitations();
          html = env.ui.dialogs.at(-1).userInterface.getContent();
        }
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(html.replace('<head>', '<head><script src="/google-script-run.js"></script>'));
      } else if (req.method === 'GET' && req.url === '/google-script-run.js') {
        res.writeHead(200, { 'Content-Type': 'text/javascript' });
        res.end(GOOGLE_SCRIPT_RUN);
      } else if (req.method === 'POST' && req.url.startsWith('/run/') && EXPOSED.includes(req.url.slice(5))) {
        let answer;
        try {
          answer = { ok: true, value: env.context[req.url.slice(5)](...JSON.parse(data)) };
        } catch (e) {
          answer = { ok: false, message: e.message };
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(answer));
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve('http://127.0.0.1:' + server.address().port + '/')));
}

/**
 * Starts Chromium on the sidebar of `env`, closed when the test ends.
 * @return {Promise<{browser: Object, page: Object, url: string, pageErrors: string[]}>}
 */
async function openSidebar(t, env, pagePath = '') {
  assert.ok(
    fs.existsSync(CHROMIUM),
    'Chromium is not installed at ' + CHROMIUM + ': run `apt-get update && apt-get install -y chromium` (see apps_script/scripts/ci.sh).',
  );
  const { chromium } = require('playwright-core');
  const server = http.createServer();
  const url = await serveSidebar(env, server);
  t.after(() => server.close());
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobmojito-chromium-'));
  t.after(() => fs.rmSync(userDataDir, { recursive: true, force: true }));
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 300, height: 520 },
  });
  t.after(() => browser.close());
  const page = browser.pages()[0] || (await browser.newPage());
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(url + pagePath);
  return { browser, page, url, pageErrors };
}

test('the settings sidebar loads, validates, saves and shows the saved values again', async (t) => {
  const env = loadScript();
  const { browser, page, url, pageErrors } = await openSidebar(t, env);
  await page.waitForSelector('#save:not([disabled])');
  assert.equal(await page.inputValue('#functionUrl'), '');
  assert.equal(await page.inputValue('#interviewId'), '');

  await page.fill('#functionUrl', 'http://example.com/jobmojito');
  await page.fill('#interviewId', 'iv-123');
  await page.click('#save');
  await page.waitForSelector('#status.error');
  assert.match(await page.textContent('#status'), /The function URL must start with https:\/\//);
  assert.deepEqual(env.documentProperties.getProperties(), {}, 'an invalid URL saves nothing');

  await page.fill('#functionUrl', 'https://europe-west1-acme-hr.cloudfunctions.net/jobmojito-sheets');
  await page.fill('#interviewId', ' 04e09fa5-3fb8-4236-b37d-fca2bcd1cb66 ');
  await page.check('#hideMenu');
  await page.click('#save');
  await page.waitForSelector('#status.ok');
  assert.equal(await page.textContent('#status'), 'Saved. Everyone who uses this Sheet now uses these settings.');
  assert.deepEqual(env.documentProperties.getProperties(), {
    FUNCTION_URL: 'https://europe-west1-acme-hr.cloudfunctions.net/jobmojito-sheets',
    INTERVIEW_ID: '04e09fa5-3fb8-4236-b37d-fca2bcd1cb66',
    HIDE_MENU: 'true',
    TEST_MODE: 'false',
    MOJITO_LANGUAGE_CODE: 'en',
  });

  const reopened = await browser.newPage();
  await reopened.goto(url);
  await reopened.waitForSelector('#save:not([disabled])');
  assert.equal(await reopened.inputValue('#functionUrl'), 'https://europe-west1-acme-hr.cloudfunctions.net/jobmojito-sheets');
  assert.equal(await reopened.inputValue('#interviewId'), '04e09fa5-3fb8-4236-b37d-fca2bcd1cb66');
  assert.equal(await reopened.isChecked('#hideMenu'), true);

  await reopened.fill('#interviewId', '');
  await reopened.click('#save');
  await reopened.waitForSelector('#status.error');
  assert.equal(await reopened.textContent('#status'), 'Fill in the interview ID.');
  assert.deepEqual(pageErrors, []);
});

const FUNCTION_URL = 'https://europe-west1-acme-hr.cloudfunctions.net/jobmojito-sheets';
const INTERVIEW_ID = '04e09fa5-3fb8-4236-b37d-fca2bcd1cb66';

/** The links the sidebar shows: [name, mark, sentence] of each list item. */
function shownLinks(page) {
  return page.$$eval('#checks li', (items) =>
    items.map((li) => [li.getAttribute('data-check'), li.querySelector('.mark').textContent, li.querySelector('.text').textContent]),
  );
}

test('Test connection shows each link with ✓ or ✗; a broken one names its fix; fixed, every link is green', async (t) => {
  const sheet = new FakeSheet({ sheetId: 314, rows: candidateRows(3) });
  // The function finds the interview only under its right ID.
  const fn = fakeFunction(sheet, { check: (body) => answered(body.interview_id === INTERVIEW_ID ? ALL_GREEN : INTERVIEW_NOT_FOUND) });
  const env = loadScript({
    properties: { FUNCTION_URL, INTERVIEW_ID: '04e09fa5-0000-4236-b37d-fca2bcd1cb66', HIDE_MENU: 'false' },
    spreadsheet: new FakeSpreadsheet({ id: 'ss-42', sheets: [sheet] }),
    fetch: fn,
  });
  const { page, pageErrors } = await openSidebar(t, env);
  await page.waitForSelector('#test:not([disabled])');
  assert.equal(await page.isHidden('#connection'), true, 'nothing is shown before the first test');

  await page.click('#test');
  await page.waitForSelector('#headline.error');
  assert.equal(await page.textContent('#headline'), 'Fix what is marked ✗, then test the connection again.');
  const broken = await shownLinks(page);
  assert.deepEqual(broken.map(([name, mark]) => [name, mark]), [
    ['function', '✓'], ['caller', '✓'], ['sheets', '✓'], ['jobmojito', '✓'], ['interview', '✗'], ['credits', '✓'],
  ]);
  assert.equal(broken[4][2], INTERVIEW_NOT_FOUND.checks[4].message, 'the broken link says how to fix it');
  assert.equal(await page.getAttribute('#checks li[data-check="interview"]', 'class'), 'broken');
  // The sidebar also asked for the languages when it opened; the checks are the calls with "action": "check".
  const checks = () => env.fetches.filter((f) => f.body.action === 'check');
  assert.equal(checks().length, 1);

  // An empty interview ID is refused before any call, in the same place.
  await page.fill('#interviewId', '');
  await page.click('#test');
  await page.waitForFunction(() => document.getElementById('headline').textContent === 'Fill in the interview ID.');
  assert.equal(await page.$$eval('#checks li', (items) => items.length), 0);
  assert.equal(checks().length, 1);

  // The recruiter copies the right ID: tested as typed, before it is saved.
  await page.fill('#interviewId', INTERVIEW_ID);
  await page.click('#test');
  await page.waitForSelector('#headline.ok');
  assert.equal(await page.textContent('#headline'), 'Everything works: this Sheet can send invitations.');
  assert.deepEqual(await shownLinks(page), ALL_GREEN.checks.map((c) => [c.name, '✓', c.message]));
  assert.equal(checks()[1].body.interview_id, INTERVIEW_ID);
  assert.equal(env.documentProperties.getProperty('INTERVIEW_ID'), '04e09fa5-0000-4236-b37d-fca2bcd1cb66', 'not saved by testing');

  await page.click('#save');
  await page.waitForSelector('#status.ok');
  assert.equal(env.documentProperties.getProperty('INTERVIEW_ID'), INTERVIEW_ID);
  assert.equal(await page.isEnabled('#test'), true);
  fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  assert.deepEqual(pageErrors, []);
});

// --- test mode, the language of personal invitations, the hourly refresh (issue 11) -----------------

const { statusFunction } = require('./status-answers');

test('the sidebar fills the language list from the function, saves test mode and the language, and shows the hourly refresh', async (t) => {
  const sheet = new FakeSheet({ sheetId: 3, rows: candidateRows(2) });
  const env = loadScript({
    properties: {
      FUNCTION_URL, INTERVIEW_ID, HIDE_MENU: 'false', MOJITO_LANGUAGE_CODE: 'fr',
      HOURLY_REFRESH_OWNER: 'ann@acme-hr.example', HOURLY_REFRESH_TRIGGER_ID: 'trigger-1',
      HOURLY_REFRESH_SINCE: '2026-01-05T09:00:00.000Z', HOURLY_REFRESH_LAST_RUN: '2026-01-05T10:00:00.000Z',
      HOURLY_REFRESH_LAST_OUTCOME: JSON.stringify({ rows: 120, changed: 14, tabs: 2, error: '', stopped: false }),
    },
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    fetch: statusFunction(sheet),
  });
  const { page, pageErrors } = await openSidebar(t, env);
  // The real function's list (test/fixtures/languages.json).
  await page.waitForFunction(() => document.querySelectorAll('#languageCode option').length === 6);
  assert.deepEqual(
    await page.$$eval('#languageCode option', (options) => options.map((o) => [o.value, o.textContent])),
    [['cs', 'Czech (Čeština)'], ['nl', 'Dutch (Nederlands)'], ['en', 'English'], ['fr', 'French (Français)'],
      ['de', 'German (Deutsch)'], ['es', 'Spanish (Español)']],
  );
  assert.equal(await page.inputValue('#languageCode'), 'fr', 'the saved language is chosen');
  assert.equal(await page.isChecked('#testMode'), false);
  await page.waitForFunction(() => document.getElementById('hourly').getAttribute('data-on') === 'true');
  assert.equal(
    await page.textContent('#hourly'),
    'Hourly status refresh is on, turned on by ann@acme-hr.example on 2026-01-05 09:00 UTC. Last run 2026-01-05 10:00 UTC: 120 rows in 2 tabs, 14 changed.',
  );

  await page.check('#testMode');
  await page.selectOption('#languageCode', 'de');
  await page.click('#save');
  await page.waitForSelector('#status.ok');
  assert.equal(env.documentProperties.getProperty('TEST_MODE'), 'true');
  assert.equal(env.documentProperties.getProperty('MOJITO_LANGUAGE_CODE'), 'de');
  assert.deepEqual(pageErrors, []);
});

test('when the language list cannot be loaded the sidebar keeps the saved language and says so', async (t) => {
  const sheet = new FakeSheet({ sheetId: 3, rows: candidateRows(2) });
  const env = loadScript({
    properties: { FUNCTION_URL, INTERVIEW_ID, HIDE_MENU: 'false', MOJITO_LANGUAGE_CODE: 'de' },
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    fetch: statusFunction(sheet, {
      languages: () => ({ status: 502, body: { error: { code: 'jobmojito_unreachable', message: 'JobMojito could not be reached.' } } }),
    }),
  });
  const { page, pageErrors } = await openSidebar(t, env);
  await page.waitForSelector('#languageNote.error');
  assert.equal(
    await page.textContent('#languageNote'),
    'The list of languages could not be loaded (JobMojito could not be reached.). The saved language (de) is kept.',
  );
  assert.deepEqual(await page.$$eval('#languageCode option', (options) => options.map((o) => o.value)), ['de']);
  assert.equal(await page.textContent('#hourly'), 'Hourly status refresh is off.');
  await page.click('#save');
  await page.waitForSelector('#status.ok');
  assert.equal(env.documentProperties.getProperty('MOJITO_LANGUAGE_CODE'), 'de', 'saving keeps it');
  assert.deepEqual(pageErrors, []);
});

test('the personal invitation dialog counts the characters, refuses over 2,000, and shows the server\'s sentence', async (t) => {
  const sheet = new FakeSheet({ sheetId: 3, rows: candidateRows(3) }).select(['2:3']);
  const env = loadScript({
    properties: { FUNCTION_URL, INTERVIEW_ID, HIDE_MENU: 'false' },
    spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }),
    fetch: fakeFunction(sheet),
  });
  const { page, pageErrors } = await openSidebar(t, env, 'dialog');
  await page.waitForSelector('#message');
  assert.equal(await page.textContent('#count'), '0 of 2,000 characters');
  await page.fill('#message', 'Dear candidate,\nwe would love to hear you. 🙂');
  assert.equal(await page.textContent('#count'), '44 of 2,000 characters');
  await page.fill('#message', 'x'.repeat(2005));
  assert.equal(await page.textContent('#count'), '2,005 of 2,000 characters: shorten it by 5 before sending.');
  assert.equal(await page.isDisabled('#send'), true);
  await page.fill('#message', 'x'.repeat(2000));
  assert.equal(await page.isEnabled('#send'), true);

  // Test mode turned on meanwhile: the server refuses, and the dialog shows its sentence and keeps the message.
  env.documentProperties.setProperty('TEST_MODE', 'true');
  await page.click('#send');
  await page.waitForSelector('#status.error');
  assert.match(await page.textContent('#status'), /^Personal invitations cannot be sent in test mode/);
  assert.equal((await page.inputValue('#message')).length, 2000);
  assert.equal(env.fetches.length, 0);

  env.documentProperties.setProperty('TEST_MODE', 'false');
  await page.fill('#message', 'Hello');
  await page.click('#send');
  await page.waitForFunction(() => window.closedByScript === true);
  assert.equal(env.fetches.at(-1).body.message_from_recruiter, 'Hello');
  assert.equal(env.fetches.at(-1).body.dry_run, false);
  assert.deepEqual(pageErrors, []);
});
