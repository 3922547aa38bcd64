/**
 * The JobMojito menu, the help, and a helper for the engineer who deploys the function.
 *
 * The same code runs as a script bound to one Sheet and as an Editor add-on. The menu is the add-on menu in both
 * cases (Extensions > JobMojito): one place for every recruiter and every sentence that names a menu item. A bound
 * script shows its project's name there, so the bound script's project is named "JobMojito"; there is no top-level
 * menu (a published add-on's top-level menus would move under Extensions anyway).
 */

/**
 * Builds the menu when the Sheet opens. It works in every authorization mode: an add-on's onOpen runs in
 * AuthMode.NONE in a file where it was never used, LIMITED where it was (and in a bound script), FULL from
 * onInstall; so it only builds the menu, and reads no property, document or token (those need authorization).
 * @param {GoogleAppsScript.Events.SheetsOnOpen=} _e the open event (its authMode does not change the menu)
 */
function onOpen(_e) {
  SpreadsheetApp.getUi()
    .createAddonMenu()
    .addItem('Generate interview links', 'generateInterviewLinks')
    .addItem('Send email invitations', 'sendEmailInvitations')
    .addItem('Send personal invitations…', 'sendPersonalInvitations')
    .addItem('Preview selection', 'previewSelection')
    .addSeparator()
    .addItem('Refresh interview status', 'refreshInterviewStatus')
    .addItem('Turn on hourly status refresh', 'turnOnHourlyRefresh')
    .addItem('Turn off hourly status refresh', 'turnOffHourlyRefresh')
    .addSeparator()
    .addItem('Settings…', 'showSettings')
    .addItem('Help', 'showHelp')
    .addToUi();
}

/**
 * Builds the menu right after the add-on is installed, so no reload is needed.
 * @param {*=} e the install event (AuthMode.FULL), passed on to onOpen
 */
function onInstall(e) {
  onOpen(e);
}

/**
 * Makes sure the user granted every scope of the manifest before a menu item does anything. Google lets a user
 * tick only some of them (granular consent); then this ends the execution and shows the authorization prompt
 * again for the missing ones, so the recruiter is asked again instead of meeting an error half-way.
 */
function requireEveryScope() {
  ScriptApp.requireAllScopes(ScriptApp.AuthMode.FULL);
}

/**
 * Menu item "Help": what the columns and result texts mean, and where to get support.
 */
function showHelp() {
  requireEveryScope();
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
  requireEveryScope();
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
