/**
 * The JobMojito menu, the help, and a helper for the engineer who deploys the function.
 */

/**
 * Builds the JobMojito menu when the Sheet opens.
 * @param {GoogleAppsScript.Events.SheetsOnOpen=} _e the open event (unused)
 */
function onOpen(_e) {
  SpreadsheetApp.getUi()
    .createMenu('JobMojito')
    .addItem('Generate interview links', 'generateInterviewLinks')
    .addItem('Send email invitations', 'sendEmailInvitations')
    .addItem('Preview selection', 'previewSelection')
    .addSeparator()
    .addItem('Settings…', 'showSettings')
    .addItem('Help', 'showHelp')
    .addToUi();
}

/**
 * Builds the menu right after the script is installed, so no reload is needed.
 */
function onInstall() {
  onOpen();
}

/**
 * Menu item "Help": what the columns and result texts mean, and where to get support.
 */
function showHelp() {
  const ui = SpreadsheetApp.getUi();
  ui.alert('JobMojito help', helpText(), ui.ButtonSet.OK);
}

/**
 * For the deploying engineer (not in the menu; run it from the Apps Script editor):
 * logs and shows the `aud` of ScriptApp.getIdentityToken(), which is this script's OAuth client ID,
 * the value the function's ALLOWED_AUDIENCES must contain.
 * @return {string} the audience
 */
function showIdentityTokenAudience() {
  const audience = identityTokenAudience(ScriptApp.getIdentityToken());
  Logger.log('Identity token audience (add it to ALLOWED_AUDIENCES): ' + audience);
  const ui = SpreadsheetApp.getUi();
  ui.alert(TITLE, 'Identity token audience (add it to ALLOWED_AUDIENCES): ' + audience, ui.ButtonSet.OK);
  return audience;
}

/**
 * Reads the `aud` claim of a JWT without checking its signature.
 * @param {string} token the identity token (header.payload.signature, base64url)
 * @return {string} the audience
 * @throws {Error} when the token is missing or not a JWT (e.g. the openid scope is missing)
 */
function identityTokenAudience(token) {
  const parts = String(token || '').split('.');
  if (parts.length !== 3) {
    throw new Error('No identity token: check that appsscript.json lists the openid scope.');
  }
  const payload = parts[1] + '='.repeat((4 - (parts[1].length % 4)) % 4);
  const claims = JSON.parse(Utilities.newBlob(Utilities.base64DecodeWebSafe(payload)).getDataAsString());
  return Array.isArray(claims.aud) ? claims.aud.join(', ') : String(claims.aud);
}
