// @ts-check
// The palette commands: each asks what it needs in input boxes and picks, then has the server
// (or, for the HTML summary, the dpt program) do it, and shows the answer.
'use strict';

const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { configuredDpt, resolveDpt, notFoundMessage, runDpt } = require('./dpt');
const { errorText } = require('./server');

const IMPULSES = ['search', 'ask', 'switch', 'other'];

/**
 * @param {string} title
 * @param {string} prompt
 * @param {{placeHolder?: string, required?: string}} [options] `required`: the message when left empty
 */
function ask(title, prompt, options = {}) {
  return vscode.window.showInputBox({
    title,
    prompt,
    placeHolder: options.placeHolder,
    ignoreFocusOut: true,
    validateInput: (value) => (options.required && !value.trim() ? options.required : undefined),
  }).then((value) => value?.trim());
}

/**
 * @param {string} title
 * @param {string[]} choices
 * @param {string} skip the label of the "leave it out" choice
 * @returns {Promise<string | null | undefined>} null: left out; undefined: cancelled
 */
async function pick(title, choices, skip) {
  const picked = await vscode.window.showQuickPick([...choices, skip], { title, ignoreFocusOut: true });
  return picked === undefined ? undefined : picked === skip ? null : picked;
}

/** @param {import('./server').DptServer} server */
function paletteCommands(server) {
  /** @param {string} command @param {unknown[]} args */
  const run = async (command, args) => {
    const answer = await server.execute(command, args);
    vscode.window.showInformationMessage(String(answer));
  };
  return {
    'dptelemetry.startGoal': async () => {
      const title = await ask('Start a practice goal (1/2)', 'What will you practise? One narrow goal.',
        { placeHolder: 'Bowling kata, test first', required: 'A goal needs a title.' });
      if (title === undefined) { return; }
      const timebox = await ask('Start a practice goal (2/2)', 'Time box, e.g. 45m or 1h30m (empty for none)',
        { placeHolder: '45m' });
      if (timebox === undefined) { return; }
      await run('dpt.goal.start', [title, timebox]);
    },
    'dptelemetry.goalAgain': async () => {
      const drill = await ask('Start the next attempt of a drill', 'Drill name (empty for the latest drill)');
      if (drill === undefined) { return; }
      await run('dpt.goal.again', drill ? [drill] : []);
    },
    'dptelemetry.endGoal': async () => {
      const ratings = Array.from({ length: 10 }, (_, i) => String(i + 1));
      const rating = await pick('End the practice goal: how did it go? (1-10)', ratings, 'No rating');
      if (rating === undefined) { return; }
      const note = await ask('End the practice goal', 'A note for later (optional)');
      if (note === undefined) { return; }
      await run('dpt.goal.end', [rating === null ? null : Number(rating), note]);
    },
    'dptelemetry.stuck': async () => {
      const text = await ask('Log a stuck moment (1/2)', 'What were you trying to do?',
        { required: 'Say what you were trying to do.' });
      if (text === undefined) { return; }
      const impulse = await pick('Log a stuck moment (2/2): your first impulse', IMPULSES, 'Skip');
      if (impulse === undefined) { return; }
      await run('dpt.stuck', [text, impulse]);
    },
    'dptelemetry.session': async () => {
      const lines = String(await server.execute('dpt.session', [])).split('\n');
      vscode.window.showInformationMessage(lines[0], { modal: true, detail: lines.slice(1).join('\n') });
    },
    'dptelemetry.restart': () => server.restart(),
  };
}

/**
 * Today's HTML summary, written by `dpt summary`, shown in a tab (a webview works in
 * VS Code, VSCodium and code-server alike, where a browser tab could not read the file).
 * @param {vscode.ExtensionContext} context
 */
async function openSummary(context) {
  const wanted = configuredDpt();
  const dpt = resolveDpt(wanted);
  if (dpt === undefined) {
    throw new Error(notFoundMessage(wanted));
  }
  const folder = context.globalStorageUri.fsPath;
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, 'summary.html');
  await runDpt(dpt, ['summary', '--format', 'html', '--output', file]);
  const panel = vscode.window.createWebviewPanel('dptelemetry.summary', "Today's practice",
    vscode.ViewColumn.Active, { enableScripts: false });
  panel.webview.html = fs.readFileSync(file, 'utf8');
}

/**
 * @param {vscode.ExtensionContext} context
 * @param {import('./server').DptServer} server
 */
function registerCommands(context, server) {
  /** @type {Record<string, () => Promise<unknown>>} */
  const handlers = { ...paletteCommands(server), 'dptelemetry.summary': () => openSummary(context) };
  for (const [id, handler] of Object.entries(handlers)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, async () => {
      try {
        await handler();
      } catch (error) {
        vscode.window.showErrorMessage(errorText(error));
      }
    }));
  }
}

module.exports = { registerCommands };
