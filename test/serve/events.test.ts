import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EventFrame } from '../../src/shared/events';
import { startFixture, type Fixture } from './fixture';

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startFixture();
});

afterAll(async () => {
  await fixture.close();
});

function openSocket(target: Fixture): Promise<{ socket: WebSocket; frames: unknown[] }> {
  const socket = new WebSocket(`ws://127.0.0.1:${target.server.port}/events?token=${target.server.token}`);
  const frames: unknown[] = [];
  socket.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString())));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, frames }));
    socket.once('error', reject);
  });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('GET /events', () => {
  it('sends every event of the hub to every socket, as {event, payload} frames', async () => {
    const first = await openSocket(fixture);
    const second = await openSocket(fixture);
    await until(() => fixture.connectedSinks() === 2, 'two sinks');
    fixture.backend.events.emit('menu', { command: 'open-dataset' });
    fixture.backend.events.emit('menu', { command: 'focus-search', argument: 'cats' });
    const expected: EventFrame[] = [
      { event: 'menu', payload: { command: 'open-dataset' } },
      { event: 'menu', payload: { command: 'focus-search', argument: 'cats' } },
    ];
    await until(() => first.frames.length === 2 && second.frames.length === 2, 'two frames on each socket');
    expect(first.frames).toEqual(expected);
    expect(second.frames).toEqual(expected);
    first.socket.close();
    second.socket.close();
    await until(() => fixture.connectedSinks() === 0, 'the sinks to disconnect');
  });

  it('disconnects the sink of a socket that vanishes without a close', async () => {
    const { socket } = await openSocket(fixture);
    await until(() => fixture.connectedSinks() === 1, 'one sink');
    socket.terminate();
    await until(() => fixture.connectedSinks() === 0, 'the sink to disconnect');
    // The hub still works for the others.
    fixture.backend.events.emit('menu', { command: 'toggle-overlay' });
  });

  it('answers a plain GET with 426, and refuses an upgrade elsewhere', async () => {
    const plain = await fetch(`${fixture.server.origin}/events`, { headers: { Authorization: `Bearer ${fixture.server.token}` } });
    expect(plain.status).toBe(426);
    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${fixture.server.port}/api/app-info?token=${fixture.server.token}`);
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => reject(new Error('opened')));
      socket.on('error', reject);
    });
    expect(status).toBe(404);
  });

  it('closes sockets with 1001 when the server closes, and disconnects their sinks', async () => {
    const own = await startFixture();
    const { socket } = await openSocket(own);
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await own.server.close();
    expect(await closed).toBe(1001);
    expect(own.connectedSinks()).toBe(0);
    await own.close();
  });
});
