'use strict';
/**
 * The settings sidebar in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core; no browser
 * is ever downloaded). Settings.html is served exactly as showSettings() builds it, from a local server on
 * 127.0.0.1, with a stand-in for google.script.run that calls getSettings/saveSettings of the real script
 * loaded in a vm with the in-memory PropertiesService fake. Saves a screenshot to docs/sidebar.png.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { loadScript } = require('./fakes');

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
const EXPOSED = ['getSettings', 'saveSettings'];

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
  window.google = { script: { run: runner(null, null) } };
})();
`;

/** Serves the sidebar and the server functions of `env`; resolves to the server's base URL. */
function serveSidebar(env, server) {
  server.on('request', (req, res) => {
    let data = '';
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/') {
        env.context.showSettings();
        const html = env.ui.sidebars.at(-1).getContent();
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

test('the settings sidebar loads, validates, saves and shows the saved values again', async (t) => {
  assert.ok(
    fs.existsSync(CHROMIUM),
    'Chromium is not installed at ' + CHROMIUM + ': run `apt-get update && apt-get install -y chromium` (see apps_script/scripts/ci.sh).',
  );
  const { chromium } = require('playwright-core');
  const env = loadScript();
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

  await page.goto(url);
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
  });
  fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

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
