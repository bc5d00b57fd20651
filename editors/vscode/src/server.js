// @ts-check
// `dpt lsp` as this window's language server: started for every file, restarted when it dies,
// asked to run the commands the palette offers.
'use strict';

const vscode = require('vscode');
const { LanguageClient, ExecuteCommandRequest, ResponseError, RevealOutputChannelOn } =
  require('vscode-languageclient/node');
const { configuredDpt, resolveDpt, notFoundMessage } = require('./dpt');

class DptServer {
  constructor() {
    /** @type {LanguageClient | undefined} */
    this.client = undefined;
    /** @type {string | undefined} the `dpt` the running client started */
    this.dpt = undefined;
    /** @type {string | undefined} why there is no running client */
    this.problem = undefined;
    this.output = vscode.window.createOutputChannel('dptelemetry');
  }

  /** Start `dpt lsp`; a missing `dpt` is said once, with a way to fix it. */
  async start() {
    const wanted = configuredDpt();
    const dpt = resolveDpt(wanted);
    if (dpt === undefined) {
      this.problem = notFoundMessage(wanted);
      this.output.appendLine(this.problem);
      vscode.window.showErrorMessage(this.problem, 'Open Settings').then((choice) => {
        if (choice) {
          vscode.commands.executeCommand('workbench.action.openSettings', 'dpt.path');
        }
      });
      return;
    }
    // The client's default error handler restarts a server that dies, up to 4 times in
    // 3 minutes, and says so only when it gives up ("dptelemetry: Restart" brings it back).
    const client = new LanguageClient('dptelemetry', 'dptelemetry', {
      command: dpt,
      args: ['lsp'],
    }, {
      documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
    });
    this.client = client;
    this.dpt = dpt;
    this.problem = undefined;
    try {
      await client.start();
    } catch (error) {
      this.problem = `dptelemetry: ${dpt} lsp did not start: ${errorText(error)}`;
      vscode.window.showErrorMessage(this.problem);
    }
  }

  async stop() {
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) {
      try {
        await client.stop();
      } catch (error) {
        this.output.appendLine(`stopping dpt lsp: ${errorText(error)}`);
      }
    }
  }

  async restart() {
    await this.stop();
    await this.start();
  }

  /**
   * Run one of the server's commands and return its answer.
   * @param {string} command
   * @param {unknown[]} args
   * @returns {Promise<unknown>}
   */
  async execute(command, args) {
    const client = this.client;
    if (client === undefined || !client.isRunning()) {
      throw new Error(this.problem || 'dptelemetry: dpt lsp is not running; run "dptelemetry: Restart the recorder".');
    }
    const known = client.initializeResult?.capabilities.executeCommandProvider?.commands || [];
    if (!known.includes(command)) {
      throw new Error(`dptelemetry: your dpt (${this.dpt}) does not know the command ${command} ` +
        'yet; update dptelemetry and restart the recorder.');
    }
    try {
      return await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
    } catch (error) {
      if (error instanceof ResponseError) {
        throw new Error(error.message);
      }
      throw error;
    }
  }

  async dispose() {
    await this.stop();
    this.output.dispose();
  }
}

/** @param {unknown} error */
function errorText(error) {
  return error instanceof Error ? error.message : String(error);
}

module.exports = { DptServer, errorText };
