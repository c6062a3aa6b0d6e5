/**
 * A queued audit's model, sent once through Redis and kept by each worker in its cache,
 * or read where it is when workers see the same files. Either way the worker hashes
 * what it got exactly as the coordinator identified the model: a file changed or cut
 * in transit is refused, never used.
 */
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { isOnnxPath, readModelJson } from '../../engine/model/io';
import { MODEL_JSON_MAX_BYTES, ONNX_MAX_BYTES, SIDECAR_MAX_BYTES, readModelFile } from '../../engine/model/model-files';
import { SIDECAR_NAME } from '../../engine/model/sidecar';
import { writeFileAtomic } from '../../util/atomic-write';
import { identifyModel, type ModelIdentity } from '../model-identity';
import { modelKey, type Announcement } from './protocol';

/** Redis keeps a value up to 512 MB; larger models are read from a shared path (--shared-fs). */
export const MAX_SENT_MODEL_BYTES = 500 * 1024 * 1024;
/** A model nobody has audited for a week leaves Redis. */
const MODEL_TTL_SECONDS = 7 * 24 * 3600;

interface ModelFile {
  /** Relative to the model's folder, with forward slashes. */
  name: string;
  bytes: Buffer;
}

/** Every file the model is made of, through the same confined readers as loading. */
async function modelFiles(modelPath: string): Promise<ModelFile[]> {
  const dir = path.dirname(modelPath);
  const files: ModelFile[] = [];
  if (isOnnxPath(modelPath)) {
    files.push({ name: path.basename(modelPath), bytes: await readModelFile(modelPath, { what: 'model file', maxBytes: ONNX_MAX_BYTES }) });
  } else {
    files.push({ name: path.basename(modelPath), bytes: await readModelFile(modelPath, { what: 'model file', maxBytes: MODEL_JSON_MAX_BYTES }) });
    const json = await readModelJson(modelPath);
    for (const shard of (json.weightsManifest ?? []).flatMap((group) => group.paths)) {
      const file = path.resolve(dir, shard);
      files.push({ name: path.relative(dir, file).split(path.sep).join('/'), bytes: await readModelFile(file, { what: 'weight shard', maxBytes: ONNX_MAX_BYTES, within: dir }) });
    }
  }
  for (const name of [SIDECAR_NAME, 'metadata.json']) {
    try {
      files.push({ name, bytes: await readModelFile(path.join(dir, name), { what: 'settings file', maxBytes: SIDECAR_MAX_BYTES, within: dir }) });
    } catch {
      // Absent: the model needs none (identifyModel already said which one it reads).
    }
  }
  return files;
}

/** Puts the model's files in Redis unless they are there already; returns the announcement's model part. */
export async function publishModel(redis: Redis, identity: ModelIdentity, shared: boolean): Promise<Announcement['model']> {
  const entry = path.basename(identity.path);
  if (shared) return { hash: identity.hash, entry, sharedPath: identity.path };
  const key = modelKey(identity.hash);
  if ((await redis.hget(key, 'entry')) === entry) {
    await redis.expire(key, MODEL_TTL_SECONDS);
    return { hash: identity.hash, entry };
  }
  const files = await modelFiles(identity.path);
  const total = files.reduce((n, f) => n + f.bytes.byteLength, 0);
  if (total > MAX_SENT_MODEL_BYTES) {
    throw new Error(`the model's files hold ${Math.round(total / 1e6)} MB, more than Redis carries in one value: put the model where every worker can read it at the same path and add --shared-fs`);
  }
  const fields: (string | Buffer)[] = [];
  for (const file of files) fields.push(`file:${file.name}`, file.bytes);
  // One transaction: a worker never sees the entry without all its files.
  await redis.multi().del(key).hset(key, ...fields, 'entry', entry).expire(key, MODEL_TTL_SECONDS).exec();
  return { hash: identity.hash, entry };
}

/** A bundle's file name must stay inside the folder it is written to. */
function safeName(name: string): string {
  const parts = name.split('/');
  if (name.length === 0 || name.length > 255 || name.includes('\\') || name.includes('\0') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new Error(`the model sent through Redis names a file "${name.slice(0, 80)}" outside its folder: refused`);
  }
  return name;
}

export function defaultModelCache(): string {
  return path.join(process.env['XDG_CACHE_HOME'] ?? path.join(homedir(), '.cache'), 'biascope', 'models');
}

async function identifiedAs(file: string, hash: string): Promise<ModelIdentity | null> {
  try {
    await stat(file);
  } catch {
    return null;
  }
  const identity = await identifyModel(file);
  return identity.hash === hash ? identity : null;
}

/** The audit's model on this machine, verified by its hash: from the shared path, the cache, or Redis. */
export async function fetchModel(redis: Redis, model: Announcement['model'], cacheDir: string): Promise<ModelIdentity> {
  if (model.sharedPath !== undefined) {
    const identity = await identifyModel(model.sharedPath);
    if (identity.hash !== model.hash) throw new Error(`${model.sharedPath} is not the model the coordinator audits (its files differ): is the shared folder the same on this machine?`);
    return identity;
  }
  const dir = path.join(cacheDir, model.hash);
  const cached = await identifiedAs(path.join(dir, safeName(model.entry)), model.hash).catch(() => null);
  if (cached) return cached;
  const stored = await redis.hgetallBuffer(modelKey(model.hash));
  if (Object.keys(stored).length === 0) throw new Error(`the model ${model.hash.slice(0, 12)} is not in Redis (yet): the coordinator sends it when the audit starts`);
  const temp = `${dir}.part-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  try {
    for (const [field, bytes] of Object.entries(stored)) {
      if (!field.startsWith('file:')) continue;
      const file = path.join(temp, safeName(field.slice('file:'.length)));
      await mkdir(path.dirname(file), { recursive: true });
      await writeFileAtomic(file, bytes);
    }
    const identity = await identifiedAs(path.join(temp, safeName(model.entry)), model.hash);
    if (!identity) throw new Error(`the model ${model.hash.slice(0, 12)} received from Redis does not hash as the coordinator's: refused`);
    await rm(dir, { recursive: true, force: true });
    await rename(temp, dir);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  const identity = await identifiedAs(path.join(dir, model.entry), model.hash);
  if (!identity) throw new Error(`the model cached at ${dir} changed while it was written`);
  return identity;
}
