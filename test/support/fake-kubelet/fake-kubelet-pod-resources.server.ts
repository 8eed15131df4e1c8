import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerErrorResponse,
} from '@grpc/grpc-js';
import {
  type ListPodResourcesResponse,
  type PodResources,
  type PodResourcesListerServer,
  PodResourcesListerService,
} from '../../../src/generated/kubelet/k8s/podresources/v1/api.js';

/**
 * A real gRPC `v1.PodResourcesLister` server on a unix socket in a fresh temp dir, standing in for the kubelet.
 * Tests set {@link pods}, read {@link listCalls} and inject faults; `stop()` and `start()` simulate a kubelet
 * restart on the same socket path.
 */
export class FakeKubeletPodResourcesServer {
  /** What the next `List` calls return; replace or mutate freely. */
  pods: PodResources[] = [];
  /** How many `List` calls arrived, including failed and delayed ones. */
  listCalls = 0;
  /** Filesystem path of the socket (inside the temp dir). */
  readonly socketPath: string;
  private readonly dir: string;
  private server: Server | undefined;
  private readonly failures: ServerErrorResponse[] = [];
  private nextDelayMs = 0;
  private readonly delayed = new Set<NodeJS.Timeout>();

  private constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-kubelet-'));
    this.socketPath = path.join(this.dir, 'kubelet.sock');
  }

  /** Creates the temp dir and starts serving with the given pods. */
  static async start(pods: PodResources[] = []): Promise<FakeKubeletPodResourcesServer> {
    const fake = new FakeKubeletPodResourcesServer();
    fake.pods = pods;
    await fake.start();
    return fake;
  }

  /** Binds the socket (again, after {@link stop}). */
  async start(): Promise<void> {
    if (this.server) return;
    fs.rmSync(this.socketPath, { force: true });
    const server = new Server();
    server.addService(PodResourcesListerService, this.handlers());
    await new Promise<void>((resolve, reject) => {
      server.bindAsync(`unix://${this.socketPath}`, ServerCredentials.createInsecure(), (error) =>
        error ? reject(error) : resolve(),
      );
    });
    this.server = server;
  }

  /** Makes the next `count` `List` calls fail with `code` (default `UNAVAILABLE`). */
  failNext(code: status = status.UNAVAILABLE, count = 1): void {
    const details = `fake kubelet injected ${status[code]}`;
    for (let i = 0; i < count; i++) {
      this.failures.push({ name: 'FakeKubeletError', message: details, code, details });
    }
  }

  /** Makes the next `List` call answer only after `ms` milliseconds. */
  delayNext(ms: number): void {
    this.nextDelayMs = ms;
  }

  /** Kills the server and its connections at once; the temp dir stays for a later {@link start}. */
  stop(): void {
    for (const timer of this.delayed) clearTimeout(timer);
    this.delayed.clear();
    this.server?.forceShutdown();
    this.server = undefined;
    fs.rmSync(this.socketPath, { force: true });
  }

  /** Stops and removes the temp dir. */
  dispose(): void {
    this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private handlers(): PodResourcesListerServer {
    const unimplemented = (_call: unknown, callback: sendUnaryData<never>): void =>
      callback({ code: status.UNIMPLEMENTED, details: 'not served by the fake kubelet' });
    return {
      list: (_call, callback) => this.answerList(callback),
      getAllocatableResources: unimplemented,
      get: unimplemented,
    };
  }

  private answerList(callback: sendUnaryData<ListPodResourcesResponse>): void {
    this.listCalls++;
    const failure = this.failures.shift();
    const delayMs = this.nextDelayMs;
    this.nextDelayMs = 0;
    const answer = (): void => {
      if (failure) callback(failure);
      else callback(null, { podResources: this.pods });
    };
    if (delayMs <= 0) {
      answer();
      return;
    }
    const timer = setTimeout(() => {
      this.delayed.delete(timer);
      answer();
    }, delayMs);
    this.delayed.add(timer);
  }
}
