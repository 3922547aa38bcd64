/**
 * Send personal invitations: JobMojito emails each selected candidate an invitation with the recruiter's message
 * (`"type": "personal_invitation"`, docs/contract.md, "Personal invitation").
 *
 * The menu item opens a modal dialog to type the message (several lines, at most MAX_MESSAGE_CHARACTERS characters,
 * counted as the recruiter types). Its Send button calls sendPersonalInvitationsWithMessage, which checks the message
 * again and runs the same flow as Send email invitations (runFromMenu: preview, a confirmation naming the rows and
 * the invitations left, the run in parts, the closing summary), with the message and the language of Settings. The
 * dialog's HTML is built here rather than in an .html file, so the files clasp pushes stay the manifest, the .js
 * files and Settings.html.
 *
 * Test mode is refused before anything: JobMojito's /invite-users has no test mode, and the function refuses
 * `is_test` with personal invitations.
 */

/** The longest message of a personal invitation (the contract's `message_from_recruiter`). */
const MAX_MESSAGE_CHARACTERS = 2000;

/**
 * Menu item "Send personal invitations…": opens the dialog for the message, once the settings and the selection allow
 * a run.
 */
function sendPersonalInvitations() {
  requireEveryScope();
  const ui = SpreadsheetApp.getUi();
  const settings = getSettings();
  if (settings.testMode) {
    ui.alert(dialogTitle(settings), MESSAGES.personalInTestMode, ui.ButtonSet.OK);
    return;
  }
  if (!settingsReady(ui, settings)) return;
  const selection = readSelection();
  if (selection.rows.length === 0) {
    ui.alert(TITLE, joinSentences([MESSAGES.nothingSelected, hiddenSentence(selection.hidden)]), ui.ButtonSet.OK);
    return;
  }
  const html = HtmlService.createHtmlOutput(personalInvitationDialogHtml(settings.languageCode, selection.rows.length))
    .setWidth(520)
    .setHeight(400);
  ui.showModalDialog(html, 'Send personal invitations');
}

/**
 * The dialog's Send button (through google.script.run): checks the message, then runs the invitation flow; its
 * questions and closing summary are the Sheet's dialogs, as for Send email invitations.
 * @param {*} message what the recruiter typed
 * @return {boolean} true once the run's closing dialog was shown (the dialog then closes itself)
 * @throws {Error} with the sentence to show in the dialog when test mode is on or the message is too long; nothing is
 *     sent then
 */
function sendPersonalInvitationsWithMessage(message) {
  const startedAt = Date.now();
  if (getSettings().testMode) throw new Error(MESSAGES.personalInTestMode);
  const checked = checkPersonalMessage(message);
  if (!checked.ok) throw new Error(checked.error);
  runFromMenu('personal_invitation', startedAt, { message: checked.message });
  return true;
}

/**
 * Escapes text for HTML.
 * @param {*} text the text
 * @return {string} the escaped text
 */
function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]);
}

/**
 * The dialog of Send personal invitations, without side effects.
 * @param {string} languageCode the language of Settings, named in the dialog
 * @param {number} rows how many rows are selected
 * @return {string} the HTML
 */
function personalInvitationDialogHtml(languageCode, rows) {
  return `<!DOCTYPE html>
<html>
  <head>
    <base target="_top">
    <meta charset="utf-8">
    <style>
      body { font-family: Arial, sans-serif; font-size: 13px; margin: 8px; color: #202124; }
      textarea { width: 100%; box-sizing: border-box; height: 220px; padding: 6px; font: inherit; }
      .hint { color: #5f6368; font-size: 12px; margin-top: 4px; }
      #count.over, #status.error { color: #d93025; }
      button { margin-top: 12px; padding: 6px 16px; background: #1a73e8; color: #fff; border: 1px solid #1a73e8; border-radius: 4px; }
      button:disabled { background: #9aa0a6; border-color: #9aa0a6; }
      #status { margin-top: 8px; min-height: 1.5em; }
    </style>
  </head>
  <body>
    <label for="message">Your message to the candidates (${escapeHtml(formatNumber(rows))} selected row${rows === 1 ? '' : 's'}):</label>
    <textarea id="message" autofocus></textarea>
    <div id="count" class="hint" aria-live="polite"></div>
    <div class="hint">JobMojito emails each candidate the interview invitation with this message, in the language of
      Settings (${escapeHtml(languageCode)}). Next you see how many invitations will be sent, before anything is sent.</div>
    <button type="button" id="send">Send…</button>
    <div id="status" role="status"></div>
    <script>
      var MAX = ${MAX_MESSAGE_CHARACTERS};
      var box = document.getElementById('message');
      var count = document.getElementById('count');
      var send = document.getElementById('send');
      var statusBox = document.getElementById('status');
      /** Characters as the function counts them: code points of the trimmed text. */
      function length() { return Array.from(box.value.trim()).length; }
      function format(n) { return String(n).replace(/\\B(?=(\\d{3})+(?!\\d))/g, ','); }
      function update() {
        var n = length();
        var over = n > MAX;
        count.textContent = format(n) + ' of ' + format(MAX) + ' characters' +
          (over ? ': shorten it by ' + format(n - MAX) + ' before sending.' : '');
        count.className = over ? 'hint over' : 'hint';
        send.disabled = over;
      }
      box.addEventListener('input', update);
      send.addEventListener('click', function () {
        send.disabled = true;
        box.readOnly = true;
        statusBox.className = '';
        statusBox.textContent = 'Checking the selection… answer the questions in the Sheet.';
        google.script.run
          .withSuccessHandler(function () { google.script.host.close(); })
          .withFailureHandler(function (error) {
            box.readOnly = false;
            update();
            statusBox.className = 'error';
            statusBox.textContent = error && error.message ? error.message : String(error);
          })
          .sendPersonalInvitationsWithMessage(box.value);
      });
      update();
    </script>
  </body>
</html>`;
}
