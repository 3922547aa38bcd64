'use strict';
/**
 * A FakeSheet backend over HTTP: the cells of one tab of a Google Sheets API v4 clone (the Python sandbox's
 * stand-in), read with values.get and written with values.update (valueInputOption=RAW; the FakeRange has
 * already applied Sheets' apostrophe rule and refused formulas).
 */
const { syncRequest } = require('./sync-http');
const { columnToLetter } = require('./fakes');

class SheetsHttpBackend {
  /**
   * @param {{baseUrl: string, spreadsheetId: string, title: string, token: string}} options
   *     baseUrl without the trailing /v4; token is the user's OAuth access token
   */
  constructor({ baseUrl, spreadsheetId, title, token }) {
    this.base = baseUrl.replace(/\/+$/, '') + '/v4/spreadsheets/' + encodeURIComponent(spreadsheetId);
    this.title = title;
    this.token = token;
  }

  /** Sends one Sheets API request; throws with the API's answer unless it is a 200. */
  request(method, pathAndQuery, body) {
    const answer = syncRequest({
      method,
      url: this.base + pathAndQuery,
      headers: { Authorization: 'Bearer ' + this.token, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (answer.status !== 200) {
      throw new Error('Sheets API ' + method + ' ' + pathAndQuery + ' answered ' + answer.status + ': ' + answer.text);
    }
    return JSON.parse(answer.text);
  }

  /** The A1 range of this tab, quoted as the API wants, e.g. 'Candidates'!A1:C3. */
  a1(cells) {
    return encodeURIComponent("'" + this.title.replace(/'/g, "''") + "'" + (cells ? '!' + cells : ''));
  }

  /** The tab's gid, from spreadsheets.get. */
  sheetId() {
    const book = this.request('GET', '?fields=sheets.properties');
    const sheet = (book.sheets || []).find((s) => s.properties.title === this.title);
    if (!sheet) throw new Error('No tab named ' + this.title + ' in the spreadsheet.');
    return sheet.properties.sheetId;
  }

  /** All cells of the tab as displayed (rows and cells trimmed at the end, like the API). */
  read() {
    return this.request('GET', '/values/' + this.a1() + '?majorDimension=ROWS').values || [];
  }

  /** Writes a block of values whose top-left cell is (row, col). */
  write(row, col, values) {
    const cells =
      columnToLetter(col) + row + ':' + columnToLetter(col + values[0].length - 1) + (row + values.length - 1);
    this.request('PUT', '/values/' + this.a1(cells) + '?valueInputOption=RAW', {
      range: "'" + this.title.replace(/'/g, "''") + "'!" + cells,
      majorDimension: 'ROWS',
      values,
    });
  }
}

module.exports = { SheetsHttpBackend };
