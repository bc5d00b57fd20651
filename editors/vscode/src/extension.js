// @ts-check
// dptelemetry for VS Code: runs `dpt lsp` beside your other language servers for every file,
// and adds palette commands for practice goals, stuck moments, the session and the summary.
// The goal and its time box show in the status bar as the server's work-done progress, which
// the language client draws by itself.
'use strict';

const vscode = require('vscode');
const { DptServer } = require('./server');
const { registerCommands } = require('./commands');

/** @type {DptServer | undefined} */
let server;

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  const started = new DptServer();
  server = started;
  registerCommands(context, started);
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration('dpt.path')) {
      started.restart();
    }
  }));
  await started.start();
}

function deactivate() {
  return server?.dispose();
}

module.exports = { activate, deactivate };
