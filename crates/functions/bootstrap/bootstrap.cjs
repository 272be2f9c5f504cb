// Stepwise's Node.js runtime: runs a `file.export` handler over the Lambda Runtime API.
//
// Written for Stepwise (not derived from AWS's aws-lambda-nodejs-runtime-interface-client);
// it behaves the way AWS's Node.js runtime does where a handler can tell: CommonJS, ES
// modules (`.mjs`, or `.js` under a package.json with "type": "module"), async and callback
// handlers, the context object, console lines prefixed with the time and request id, and the
// error documents `{errorType, errorMessage, trace}` with AWS's Runtime.* names and messages.
// A .cjs file, so a package.json with "type": "module" above the runtime directory does not
// change how this file loads.
'use strict';

const http = require('http');
const path = require('path');
const fs = require('fs');
const util = require('util');
const { pathToFileURL } = require('url');

const RUNTIME_PATH = '/2018-06-01/runtime';
const [API_HOST, API_PORT] = (() => {
  const api = process.env.AWS_LAMBDA_RUNTIME_API;
  const i = api.lastIndexOf(':');
  return [api.slice(0, i), Number(api.slice(i + 1))];
})();
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(method, urlPath, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: API_HOST, port: API_PORT, method, path: urlPath, headers: headers || {}, agent },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

class RuntimeError extends Error {}
function runtimeError(name, message) {
  const e = new RuntimeError(message);
  Object.defineProperty(e, 'name', { value: `Runtime.${name}` });
  return e;
}

function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || (error && typeof error.stack === 'string' && typeof error.name === 'string')) {
      return {
        errorType: error.name,
        errorMessage: error.message,
        trace: error.stack.split('\n'),
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch (_e) {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

let currentRequestId = null;

function patchConsole() {
  const write = (level, stream) => (...args) => {
    const line = `${new Date().toISOString()}\t${currentRequestId || 'undefined'}\t${level}\t${util.format(...args)}`;
    stream.write(line.replace(/\n/g, '\r') + '\n');
  };
  console.log = write('INFO', process.stdout);
  console.info = write('INFO', process.stdout);
  console.debug = write('DEBUG', process.stdout);
  console.warn = write('WARN', process.stderr);
  console.error = write('ERROR', process.stderr);
  console.trace = write('TRACE', process.stderr);
}

function postError(urlPath, error) {
  const doc = toRapidResponse(error);
  return request('POST', urlPath, JSON.stringify(doc), {
    'Content-Type': 'application/json',
    'Lambda-Runtime-Function-Error-Type': doc.errorType,
  });
}

function hasTypeModule(dir) {
  for (;;) {
    if (dir.endsWith('/node_modules')) return false;
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        return JSON.parse(fs.readFileSync(pj, 'utf8')).type === 'module';
      } catch (_e) {
        return false;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

async function loadModule(appRoot, moduleRoot, moduleName) {
  const base = path.resolve(appRoot, moduleRoot, moduleName);
  const tryRequire = (file) => (fs.existsSync(file) ? require(file) : undefined);
  const tryImport = async (file) => (fs.existsSync(file) ? import(pathToFileURL(file).href) : undefined);
  const extensionless = fs.existsSync(base) && fs.statSync(base).isFile() ? require(base) : undefined;
  if (extensionless) return extensionless;
  const typeModule = fs.existsSync(base + '.js') && hasTypeModule(path.dirname(base + '.js'));
  if (!typeModule) {
    const loaded = tryRequire(base + '.js');
    if (loaded) return loaded;
  }
  const loaded =
    (typeModule && (await tryImport(base + '.js'))) || (await tryImport(base + '.mjs')) || tryRequire(base + '.cjs');
  if (loaded) return loaded;
  return require(require.resolve(moduleName, { paths: [appRoot, path.resolve(appRoot, moduleRoot)] }));
}

async function loadHandler(appRoot, fullHandler) {
  if (fullHandler.includes('..')) {
    throw runtimeError(
      'MalformedHandlerName',
      `'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const moduleRoot = path.dirname(fullHandler);
  const match = path.basename(fullHandler).match(/^([^.]*)\.(.*)$/);
  if (!match) throw runtimeError('MalformedHandlerName', 'Bad handler');
  const [, moduleName, handlerPath] = match;
  let userApp;
  try {
    userApp = await loadModule(appRoot, moduleRoot, moduleName);
  } catch (e) {
    if (e instanceof SyntaxError) throw runtimeError('UserCodeSyntaxError', String(e));
    if (e && e.code === 'MODULE_NOT_FOUND') throw runtimeError('ImportModuleError', String(e));
    throw e;
  }
  const fn = handlerPath.split('.').reduce((o, k) => o && o[k], userApp);
  if (!fn) throw runtimeError('HandlerNotFound', `${fullHandler} is undefined or not exported`);
  if (typeof fn !== 'function') throw runtimeError('HandlerNotFound', `${fullHandler} is not a function`);
  return fn;
}

function makeContext(headers) {
  const env = process.env;
  const deadline = Number(headers['lambda-runtime-deadline-ms'] || 0);
  const parse = (v) => (v ? JSON.parse(v) : undefined);
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    clientContext: parse(headers['lambda-runtime-client-context']),
    identity: parse(headers['lambda-runtime-cognito-identity']),
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
  };
}

// The invocation in progress: settled once, by the callback, the returned promise, or an
// empty event loop (a handler that neither returned a promise nor called back).
let settle = null;

function invoke(handler, event, context) {
  return new Promise((resolve) => {
    let done = false;
    settle = (err, result) => {
      if (done) return;
      done = true;
      settle = null;
      resolve({ err, result });
    };
    const callback = (err, result) => settle && settle(err === undefined ? null : err, result);
    context.done = callback;
    context.succeed = (result) => callback(null, result);
    context.fail = (err) => callback(err == null ? '' : err);
    try {
      const ret = handler(event, context, callback);
      if (ret && typeof ret.then === 'function') {
        ret.then((r) => callback(null, r), (e) => callback(e == null ? new Error(String(e)) : e));
      }
    } catch (e) {
      callback(e);
    }
  });
}

process.on('beforeExit', () => {
  if (settle) settle(null, undefined);
});

async function main() {
  patchConsole();
  const appRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
  let handler;
  try {
    handler = await loadHandler(appRoot, process.env._HANDLER || '');
  } catch (e) {
    console.error(util.format('%s', JSON.stringify(toRapidResponse(e))));
    await postError(RUNTIME_PATH + '/init/error', e);
    process.exit(129);
  }
  for (;;) {
    const { res, body } = await request('GET', RUNTIME_PATH + '/invocation/next');
    if (res.statusCode !== 200) {
      // The Runtime API refused: nothing sensible is left to do (AWS's client exits too).
      process.stderr.write(`Runtime API next failed: ${res.statusCode} ${body}\n`);
      process.exit(1);
    }
    const headers = res.headers;
    const requestId = headers['lambda-runtime-aws-request-id'];
    currentRequestId = requestId;
    if (headers['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = headers['lambda-runtime-trace-id'];
    else delete process.env._X_AMZN_TRACE_ID;
    let outcome;
    try {
      const event = JSON.parse(body.toString('utf8'));
      outcome = await invoke(handler, event, makeContext(headers));
    } catch (e) {
      outcome = { err: e };
    }
    const base = `${RUNTIME_PATH}/invocation/${requestId}`;
    if (outcome.err !== null && outcome.err !== undefined) {
      console.error('Invoke Error \t' + JSON.stringify(toRapidResponse(outcome.err)));
      await postError(base + '/error', outcome.err);
    } else {
      let text;
      try {
        text = JSON.stringify(outcome.result === undefined ? null : outcome.result);
      } catch (e) {
        await postError(base + '/error', runtimeError('MarshalError', 'Unable to stringify response body as json: ' + e.message));
        continue;
      }
      await request('POST', base + '/response', text, { 'Content-Type': 'application/json' });
    }
    currentRequestId = null;
  }
}

for (const [event, kind] of [
  ['uncaughtException', 'uncaughtException'],
  ['unhandledRejection', 'unhandledRejection'],
]) {
  process.on(event, (err) => {
    const error =
      kind === 'unhandledRejection' && !(err instanceof Error)
        ? runtimeError('UnhandledPromiseRejection', String(err))
        : err;
    console.error(`${kind === 'unhandledRejection' ? 'Unhandled Promise Rejection' : 'Uncaught Exception'} \t` + JSON.stringify(toRapidResponse(error)));
    const done = () => process.exit(129);
    if (currentRequestId) {
      postError(`${RUNTIME_PATH}/invocation/${currentRequestId}/error`, error).then(done, done);
    } else {
      done();
    }
  });
}

main();
