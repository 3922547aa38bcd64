'use strict';
/** Names and tokens shared by mock-world.js and the harness test that points e2e.test.js at it. */
module.exports = {
  SPREADSHEET_ID: 'mock-spreadsheet',
  TITLE: 'Candidates',
  ID_TOKEN: 'mock-id-token',
  ACCESS_TOKEN: 'mock-access-token',
  INTERVIEW_ID: 'mock-interview',
};
