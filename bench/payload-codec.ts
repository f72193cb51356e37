// Payload compression: which algorithm, and what the codec costs with it on and off. The payloads are the engine's
// own: every encrypted payload of the committed histories (test/fixtures/histories, the public test key), decrypted.
// For each candidate it prints the bytes kept and µs per payload to compress and to inflate; then the codec's
// encode + decode per payload with compression off (the baseline) and on, and the encoded bytes, ratio last.
// Usage: npm run bench:payload-codec -- --rounds=5
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { AesGcmPayloadCodec } from '../src/crypto/payload-codec.js';
import { loadPayloadKeyRing } from '../src/crypto/payload-keys.js';
import { testPayloadKeyConfig } from '../test/harness/payload-keys.js';
import { loadBeforeStart, median, OtherCpuMeter, overloadBlock, overloadWarnings } from './lib/reliability.js';
import { cpuMsOf } from './lib/cpu.js';
import { formatNumber, intArg, machineLine, printTable } from './lib/stats.js';

const rounds = intArg('rounds', 5);
const machine = loadBeforeStart();
const otherCpu = new OtherCpuMeter();
const ownCpuMs = () => cpuMsOf(process.pid) ?? 0;
const cpuAtStart = ownCpuMs();
otherCpu.begin();
/** The baseline codec's per-round encode figures: it does not change, so their spread is the machine's noise. */
let baselineRounds: number[] = [];
const { Payload: PayloadMessage } = proto.temporal.api.common.v1;
const historiesDir = join(import.meta.dirname, '../test/fixtures/histories');

/** Every payload carrying an encryption key id, wherever it sits in a history's JSON. */
function encryptedPayloads(value: unknown, found: Payload[] = []): Payload[] {
  if (Array.isArray(value)) for (const item of value) encryptedPayloads(item, found);
  else if (value && typeof value === 'object') {
    const record = value as { metadata?: Record<string, string>; data?: string };
    if (record.metadata?.['encryption-key-id'] !== undefined && typeof record.data === 'string') {
      found.push({
        metadata: Object.fromEntries(
          Object.entries(record.metadata).map(([key, text]) => [key, Buffer.from(text, 'base64')]),
        ),
        data: Buffer.from(record.data, 'base64'),
      });
    } else for (const item of Object.values(value)) encryptedPayloads(item, found);
  }
  return found;
}

const keyRing = loadPayloadKeyRing(testPayloadKeyConfig);
const plainCodec = new AesGcmPayloadCodec(keyRing, { compress: false });
const compressingCodec = new AesGcmPayloadCodec(keyRing);
const recorded = readdirSync(historiesDir)
  .filter((file) => file.endsWith('.json'))
  .flatMap((file) => encryptedPayloads(JSON.parse(readFileSync(join(historiesDir, file), 'utf8'))));
const payloads = await plainCodec.decode(recorded);
const serialized = payloads.map((payload) => PayloadMessage.encode(payload).finish());
const totalBytes = serialized.reduce((sum, bytes) => sum + bytes.length, 0);

/** Median over the rounds of the mean µs per payload of one pass over all of them (one pass first, unmeasured). */
function microsPerPayload(pass: () => unknown, rounded: (samples: number[]) => void = () => {}): number {
  pass();
  const samples: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const started = process.hrtime.bigint();
    pass();
    samples.push(Number(process.hrtime.bigint() - started) / 1000 / serialized.length);
  }
  rounded(samples);
  return median(samples);
}

const brotli = (quality: number) => (bytes: Uint8Array) =>
  brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  });
const candidates: { name: string; compress: (bytes: Uint8Array) => Buffer; inflate: (bytes: Buffer) => Buffer }[] = [
  {
    name: 'raw deflate, level 1',
    compress: (bytes) => deflateRawSync(bytes, { level: 1 }),
    inflate: (bytes) => inflateRawSync(bytes),
  },
  {
    name: 'raw deflate, level 6',
    compress: (bytes) => deflateRawSync(bytes),
    inflate: (bytes) => inflateRawSync(bytes),
  },
  { name: 'brotli, quality 4', compress: brotli(4), inflate: (bytes) => brotliDecompressSync(bytes) },
  { name: 'brotli, quality 5', compress: brotli(5), inflate: (bytes) => brotliDecompressSync(bytes) },
];

const sizes = serialized.map((bytes) => bytes.length).sort((a, b) => a - b);
process.stdout.write(
  `# Payload compression (${serialized.length} payloads of the committed histories, ${formatNumber(totalBytes / 1024, 1)} KiB; ` +
    `median payload ${sizes[Math.floor(sizes.length / 2)]} bytes, largest ${sizes.at(-1)}; ${rounds} rounds; ${machineLine()})\n\n`,
);
printTable(
  ['algorithm', 'bytes kept (smaller ones only)', 'µs to compress', 'µs to inflate'],
  candidates.map((candidate) => {
    const compressed = serialized.map((bytes) => candidate.compress(bytes));
    const kept = compressed.reduce((sum, bytes, index) => sum + Math.min(bytes.length, serialized[index]!.length), 0);
    return [
      candidate.name,
      `${formatNumber((kept / totalBytes) * 100, 1)}%`,
      formatNumber(
        microsPerPayload(() => serialized.forEach((bytes) => candidate.compress(bytes))),
        1,
      ),
      formatNumber(
        microsPerPayload(() => compressed.forEach((bytes) => candidate.inflate(bytes))),
        1,
      ),
    ];
  }),
);

const encodedBytes = (encoded: Payload[]) =>
  encoded.reduce((sum, payload) => sum + PayloadMessage.encode(payload).finish().length, 0);
const codecRows = [];
const figures: Record<string, { bytes: number; encode: number; decode: number }> = {};
for (const [name, codec] of [
  ['compression off (baseline)', plainCodec],
  ['compression on', compressingCodec],
] as const) {
  const encoded = await codec.encode(payloads);
  const marked = encoded.filter((payload) => payload.metadata?.['encryption-compression'] !== undefined).length;
  // The codec's methods are async but do their work synchronously; a pass awaits nothing else.
  const encode = microsPerPayload(
    () => void codec.encode(payloads),
    (samples) => {
      if (codec === plainCodec) baselineRounds = samples.map((micros) => 1 / micros);
    },
  );
  const decode = microsPerPayload(() => void codec.decode(encoded));
  figures[name] = { bytes: encodedBytes(encoded), encode, decode };
  codecRows.push([
    name,
    String(marked),
    formatNumber(figures[name].bytes / 1024, 1),
    formatNumber(encode, 1),
    formatNumber(decode, 1),
  ]);
}
process.stdout.write('\n## The codec (encrypt or decrypt, with or without compression)\n\n');
printTable(['codec', 'payloads compressed', 'encoded KiB', 'µs to encode', 'µs to decode'], codecRows);
const off = figures['compression off (baseline)']!;
const on = figures['compression on']!;
otherCpu.end(ownCpuMs() - cpuAtStart);
const warnings = overloadWarnings({ ...machine, otherCpuShare: otherCpu.share(), baselineRates: baselineRounds });
process.stdout.write(
  `\n${overloadBlock(warnings)}ratio: encoded bytes, compression on / off = ${formatNumber(on.bytes / off.bytes, 3)}; ` +
    `codec CPU (encode + decode) on / off = ${formatNumber((on.encode + on.decode) / (off.encode + off.decode), 2)}` +
    `${warnings.length > 0 ? ' [OVERLOADED]' : ''}\n`,
);
