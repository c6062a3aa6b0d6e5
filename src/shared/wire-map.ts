/** Maps on the wire (views.WireMap) to and from map-codec's encoding and raw maps. Pure. */
import { base64ToBytes, bytesToBase64 } from './base64';
import type { MapData } from './explain';
import { decodeMap, type EncodedMap } from './map-codec';
import type { WireMap } from './views';

export function toWireMap(encoded: EncodedMap): WireMap {
  return { width: encoded.width, height: encoded.height, max: encoded.max, data: bytesToBase64(encoded.bytes) };
}

/** The raw map back, checking that the bytes fit the size (a malformed reply fails here, not in a canvas). */
export function fromWireMap(wire: WireMap): MapData {
  const bytes = base64ToBytes(wire.data);
  if (bytes.length !== wire.width * wire.height * 2) {
    throw new Error(`map of ${wire.width}x${wire.height} carries ${bytes.length} bytes, expected ${wire.width * wire.height * 2}`);
  }
  return decodeMap({ width: wire.width, height: wire.height, max: wire.max, bytes });
}
