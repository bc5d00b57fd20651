// @ts-check
// Finding the `dpt` program the user means, and running it for what the server does not do.
'use strict';

const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const vscode = require('vscode');

/** The `dpt.path` setting as written, or "dpt" when it is empty. */
function configuredDpt() {
  const setting = vscode.workspace.getConfiguration('dpt').get('path', '');
  return setting.trim() || 'dpt';
}

/** @param {string} file */
function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The full path of the `dpt` to run, or undefined when there is none: a path is taken as it
 * is (with `~` for the home folder), a bare name is looked up on PATH as a shell would.
 * @param {string} wanted
 * @returns {string | undefined}
 */
function resolveDpt(wanted) {
  const expanded = wanted.startsWith('~/') ? path.join(os.homedir(), wanted.slice(2)) : wanted;
  if (expanded.includes('/') || expanded.includes(path.sep)) {
    return isExecutable(expanded) ? path.resolve(expanded) : undefined;
  }
  const names = process.platform === 'win32' ? [`${expanded}.exe`, `${expanded}.cmd`, expanded] : [expanded];
  for (const folder of (process.env.PATH || '').split(path.delimiter)) {
    for (const name of names) {
      const candidate = path.join(folder || '.', name);
      if (isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** @param {string} wanted */
function notFoundMessage(wanted) {
  const where = wanted === 'dpt' ? 'on the PATH VS Code sees' : `at "${wanted}" (setting dpt.path)`;
  return `dptelemetry: cannot find the program dpt ${where}, so nothing is recorded. ` +
    'Install dptelemetry (its README says how) or set dpt.path to the full path of dpt.';
}

/**
 * Run `dpt ARGS...`; resolves with its standard output, rejects with its first error line.
 * @param {string} dpt
 * @param {string[]} args
 * @returns {Promise<string>}
 */
function runDpt(dpt, args) {
  return new Promise((resolve, reject) => {
    childProcess.execFile(dpt, args, { timeout: 120000 }, (error, stdout, stderr) => {
      if (error) {
        const reason = String(stderr).trim().split('\n')[0] || error.message;
        reject(new Error(`dpt ${args[0]}: ${reason}`));
      } else {
        resolve(String(stdout));
      }
    });
  });
}

module.exports = { configuredDpt, resolveDpt, notFoundMessage, runDpt };
