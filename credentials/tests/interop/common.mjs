// Shared pieces of the interop scripts (verify, sign, bench, canonize .mjs): the digitalbazaar
// JavaScript stack, sharing no code with Sexto's Python implementation.
//
// The document loader never fetches a JSON-LD context from the network: contexts come from the
// vendored files in `contextsDir` (the same URL -> file map as credentials/contexts.py), DID and
// controller documents from the request, and did:web documents over HTTP(S) only when the
// request asks for it (`fetchDidWeb`). Controller and DID documents are read as plain JSON.
import {readFileSync} from 'node:fs';
import path from 'node:path';

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';

// Same map as FILES in credentials/contexts.py (see credentials/contexts/README.md).
export const CONTEXT_FILES = {
  'https://www.w3.org/2018/credentials/v1': 'credentials-v1.jsonld',
  'https://www.w3.org/ns/credentials/v2': 'credentials-v2.jsonld',
  'https://purl.imsglobal.org/spec/ob/v3p0/context.json': 'ob-context-3.0.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json':
    'ob-context-3.0.1.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json':
    'ob-context-3.0.2.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json':
    'ob-context-3.0.3.json',
  'https://w3id.org/security/data-integrity/v1': 'data-integrity-v1.jsonld',
  'https://w3id.org/security/data-integrity/v2': 'data-integrity-v2.jsonld',
  'https://w3id.org/security/multikey/v1': 'multikey-v1.jsonld',
  'https://www.w3.org/ns/credentials/status/v1':
    'bitstring-status-list-v1.jsonld',
};

const MULTIKEY_CONTEXT_V1 = 'https://w3id.org/security/multikey/v1';
// Where a controller or DID document may list (or embed) verification methods.
const VM_PROPERTIES = [
  'verificationMethod', 'assertionMethod', 'authentication',
  'capabilityInvocation', 'capabilityDelegation', 'keyAgreement',
];
const FETCH_TIMEOUT_MS = 10000;

export async function readStdinJson() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export function printJson(value) {
  process.stdout.write(JSON.stringify(value) + '\n');
}

/** did:web:127.0.0.1%3A8123 -> http://127.0.0.1:8123/.well-known/did.json */
export function didWebUrl(did) {
  const parts = did.slice('did:web:'.length).split(':');
  const host = decodeURIComponent(parts[0]);
  if(!host || host.includes('/')) {
    throw new Error(`Invalid did:web "${did}".`);
  }
  const hostname = host.replace(/:\d+$/, '');
  const local = hostname === '127.0.0.1' || hostname === 'localhost';
  const scheme = local ? 'http' : 'https';
  const rest = parts.slice(1).map(decodeURIComponent);
  const pathPart = rest.length ? rest.join('/') : '.well-known';
  return `${scheme}://${host}/${pathPart}/did.json`;
}

export function createDocumentLoader({
  contextsDir, dids = {}, controllers = {}, fetchDidWeb = false,
}) {
  if(!contextsDir) {
    throw new TypeError('"contextsDir" is required.');
  }
  const contextCache = new Map();
  const fetched = new Map();

  function loadContext(url) {
    let document = contextCache.get(url);
    if(!document) {
      const file = path.join(contextsDir, CONTEXT_FILES[url]);
      document = JSON.parse(readFileSync(file, 'utf8'));
      contextCache.set(url, document);
    }
    return document;
  }

  async function fetchDidDocument(did) {
    if(!fetched.has(did)) {
      fetched.set(did, (async () => {
        const url = didWebUrl(did);
        let response;
        try {
          response = await fetch(url, {
            headers: {accept: 'application/did+json, application/json'},
            redirect: 'error',
            signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
          });
        } catch(error) {
          const cause = error.cause ? ` (${error.cause.code || error.cause.message})` : '';
          throw new Error(`Resolving ${did}: GET ${url} failed: ${error.message}${cause}.`);
        }
        if(!response.ok) {
          throw new Error(
            `Resolving ${did}: GET ${url} answered ${response.status}.`);
        }
        return response.json();
      })());
    }
    return fetched.get(did);
  }

  // The controller (or DID) document at `id` (no fragment), as plain JSON.
  async function rawControllerDocument(id) {
    if(Object.hasOwn(controllers, id)) {
      return controllers[id];
    }
    if(Object.hasOwn(dids, id)) {
      return dids[id];
    }
    if(id.startsWith('did:web:') && fetchDidWeb) {
      return fetchDidDocument(id);
    }
    throw new Error(`Unknown controller or DID document "${id}".`);
  }

  // The same, its id checked and its relative references ("#key-1") made absolute, as a DID
  // document's are relative to its DID.
  async function controllerDocument(id) {
    const document = await rawControllerDocument(id);
    if(!(document && typeof document === 'object') || document.id !== id) {
      throw new Error(
        `The controller document for "${id}" has id "${document && document.id}".`);
    }
    const absolute = value => typeof value === 'string' && value.startsWith('#') ?
      id + value : value;
    const result = {...document};
    for(const property of VM_PROPERTIES) {
      if(result[property] === undefined) {
        continue;
      }
      result[property] = [].concat(result[property]).map(vm => {
        if(vm && typeof vm === 'object') {
          return {...vm, id: absolute(vm.id), controller: absolute(vm.controller)};
        }
        return absolute(vm);
      });
    }
    return result;
  }

  function findVerificationMethod(document, url) {
    for(const property of VM_PROPERTIES) {
      const values = document[property] === undefined ? [] :
        [].concat(document[property]);
      for(const vm of values) {
        if(!(vm && typeof vm === 'object')) {
          continue;
        }
        if(vm.id === url) {
          const result = {...vm};
          if(result.controller === undefined) {
            delete result.controller;
          }
          if(!result['@context']) {
            result['@context'] = MULTIKEY_CONTEXT_V1;
          }
          return result;
        }
      }
    }
    throw new Error(
      `Verification method "${url}" not found in its controller document.`);
  }

  async function documentLoader(url) {
    if(Object.hasOwn(CONTEXT_FILES, url)) {
      return {contextUrl: null, documentUrl: url, document: loadContext(url)};
    }
    const hash = url.indexOf('#');
    const base = hash === -1 ? url : url.slice(0, hash);
    // A context is never fetched: only the vendored ones, and the documents given.
    const known = Object.hasOwn(controllers, base) ||
      Object.hasOwn(dids, base) || (base.startsWith('did:web:') && fetchDidWeb);
    if(!known) {
      throw new Error(
        `Refusing to load "${url}": not a vendored context nor a given ` +
        'controller or DID document.');
    }
    const document = await controllerDocument(base);
    if(hash === -1) {
      return {contextUrl: null, documentUrl: url, document};
    }
    return {
      contextUrl: null, documentUrl: url,
      document: findVerificationMethod(document, url),
    };
  }

  return {documentLoader, controllerDocument};
}

/**
 * CredentialIssuancePurpose (assertionMethod, issuer == controller) whose controller document is
 * read as plain JSON from the request or did:web, never framed with JSON-LD: the library would
 * otherwise frame any controller document whose first context is not the DID v1 context.
 */
class PlainControllerIssuancePurpose extends vc.CredentialIssuancePurpose {
  constructor({controllerDocument}) {
    super();
    this._controllerDocument = controllerDocument;
  }

  async validate(proof, options) {
    let controller;
    try {
      const {verificationMethod} = options;
      const controllerId = typeof verificationMethod.controller === 'object' ?
        verificationMethod.controller?.id : verificationMethod.controller;
      if(typeof controllerId !== 'string') {
        throw new Error(
          `Verification method "${verificationMethod.id}" has no controller.`);
      }
      controller = await this._controllerDocument(controllerId);
    } catch(error) {
      return {valid: false, error};
    }
    return new vc.CredentialIssuancePurpose({controller})
      .validate(proof, options);
  }
}

function collectErrors(result) {
  const messages = [];
  const seen = new Set();
  const visit = error => {
    if(!error || seen.has(error)) {
      return;
    }
    seen.add(error);
    if(Array.isArray(error.errors) && error.errors.length > 0) {
      error.errors.forEach(visit);
      return;
    }
    let message = error.message || String(error);
    // jsonld wraps a document loader's error: keep the loader's own words.
    const cause = error.details && error.details.cause;
    if(cause && cause.message && !message.includes(cause.message)) {
      message += ` (${cause.message})`;
    }
    if(!messages.includes(message)) {
      messages.push(message);
    }
  };
  visit(result.error);
  for(const r of result.results || []) {
    visit(r.error);
    visit(r.purposeResult && r.purposeResult.error);
  }
  if(result.statusResult && result.statusResult.error) {
    visit(result.statusResult.error);
  }
  if(!result.verified && messages.length === 0) {
    messages.push('Not verified (no error given).');
  }
  return messages;
}

/** A verifier for one request: `verify(credential)` -> {verified, errors, warnings}. */
export function createVerifier(request) {
  const {documentLoader, controllerDocument} = createDocumentLoader(request);
  const {now} = request;
  return async function verify(credential) {
    const warnings = [];
    const options = {
      credential,
      suite: new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite}),
      purpose: new PlainControllerIssuancePurpose({controllerDocument}),
      documentLoader,
    };
    if(now) {
      options.now = now;
    }
    if(credential && credential.credentialStatus) {
      // Status (revocation) is out of scope here: only the proof is checked.
      warnings.push('credentialStatus present but not checked.');
      options.checkStatus = async () => ({verified: true});
    }
    const result = await vc.verifyCredential(options);
    return {
      verified: result.verified === true,
      errors: result.verified ? [] : collectErrors(result),
      warnings,
    };
  };
}

function hexBytes(hex, name) {
  if(typeof hex !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(hex)) {
    throw new TypeError(`"${name}" must be a hex string.`);
  }
  return Buffer.from(hex, 'hex');
}

/**
 * An Ed25519 Multikey key pair with its secret, from either
 * {publicKeyMultibase, secretKeyMultibase} or raw {publicKeyHex, privateKeyHex}
 * (privateKeyHex: the 32-byte seed, or seed + public key as 64 bytes).
 * `id` defaults to controller#publicKeyMultibase.
 */
export async function keyPairFrom(key) {
  const {id, controller} = key;
  if(key.secretKeyMultibase) {
    return Ed25519Multikey.from({
      '@context': MULTIKEY_CONTEXT_V1, type: 'Multikey', id, controller,
      publicKeyMultibase: key.publicKeyMultibase,
      secretKeyMultibase: key.secretKeyMultibase,
    });
  }
  if(key.privateKeyHex) {
    const publicKey = hexBytes(key.publicKeyHex, 'publicKeyHex');
    const secret = hexBytes(key.privateKeyHex, 'privateKeyHex');
    if(publicKey.length !== 32 || ![32, 64].includes(secret.length)) {
      throw new Error(
        'Raw Ed25519 key: publicKeyHex must be 32 bytes, privateKeyHex 32 or 64.');
    }
    const seed = secret.subarray(0, 32);
    if(secret.length === 64 && !secret.subarray(32).equals(publicKey)) {
      throw new Error('privateKeyHex does not end with publicKeyHex.');
    }
    // Converted by the library: multicodec 0xed01 / 0x8026, base58btc "z".
    const keyPair = await Ed25519Multikey.fromJwk({
      jwk: {
        kty: 'OKP', crv: 'Ed25519',
        x: publicKey.toString('base64url'), d: seed.toString('base64url'),
      },
      secretKey: true, id, controller,
    });
    // The seed must give the stated public key.
    const derived = await Ed25519Multikey.generate({seed});
    if(derived.publicKeyMultibase !== keyPair.publicKeyMultibase) {
      throw new Error('publicKeyHex is not the public key of privateKeyHex.');
    }
    if(!keyPair.id && controller) {
      keyPair.id = `${controller}#${keyPair.publicKeyMultibase}`;
    }
    return keyPair;
  }
  throw new TypeError(
    '"key" needs secretKeyMultibase or privateKeyHex (with its public key).');
}

export async function sign({credential, contextsDir, key, created}) {
  const keyPair = await keyPairFrom(key);
  if(!keyPair.id) {
    throw new TypeError('"key" needs an "id" or a "controller".');
  }
  const {documentLoader} = createDocumentLoader({contextsDir});
  const suite = new DataIntegrityProof({
    signer: keyPair.signer(),
    date: created,
    cryptosuite: eddsaRdfc2022CryptoSuite,
  });
  return vc.issue({credential: structuredClone(credential), suite, documentLoader});
}
