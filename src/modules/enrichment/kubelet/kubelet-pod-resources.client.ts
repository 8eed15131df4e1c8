import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import {
  type PodResources,
  PodResourcesListerClient,
} from '../../../generated/kubelet/k8s/podresources/v1/api.js';
import {
  KubeletRequestError,
  KubeletTimeoutError,
  KubeletUnavailableError,
  type KubeletPodResourcesError,
} from './kubelet.errors.js';

/** Where the kubelet serves the pod-resources API on every node. */
export const DEFAULT_KUBELET_POD_RESOURCES_SOCKET = '/var/lib/kubelet/pod-resources/kubelet.sock';

/** Deadline of one `List` call unless configured: 10 s. */
export const DEFAULT_KUBELET_LIST_TIMEOUT_MS = 10_000;

/** Largest `List` answer accepted unless configured: 16 MiB (the kubelet's own clients use the same). */
export const DEFAULT_KUBELET_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** Options of {@link KubeletPodResourcesClient}. */
export interface KubeletPodResourcesClientOptions {
  /** Filesystem path of the kubelet socket; default {@link DEFAULT_KUBELET_POD_RESOURCES_SOCKET}. */
  readonly socketPath?: string;
  /** Deadline of each `List` call in milliseconds; default {@link DEFAULT_KUBELET_LIST_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
  /** Largest accepted response in bytes; default {@link DEFAULT_KUBELET_MAX_RESPONSE_BYTES}. */
  readonly maxResponseBytes?: number;
}

/** Anything that can list the pods of the node with their assigned resources. */
export interface PodResourcesSource {
  /** Every pod the kubelet knows, with per-container devices. */
  list(): Promise<PodResources[]>;
}

/**
 * Client of the kubelet pod-resources gRPC API (`v1.PodResourcesLister`) over its unix socket.
 * The channel opens on the first call; after a failed call it is dropped so the next call dials afresh
 * instead of waiting out the gRPC reconnect backoff.
 */
export class KubeletPodResourcesClient implements PodResourcesSource {
  /** Filesystem path of the kubelet socket. */
  readonly socketPath: string;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private grpcClient: PodResourcesListerClient | undefined;

  constructor(options: KubeletPodResourcesClientOptions = {}) {
    this.socketPath = options.socketPath ?? DEFAULT_KUBELET_POD_RESOURCES_SOCKET;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_KUBELET_LIST_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_KUBELET_MAX_RESPONSE_BYTES;
  }

  /**
   * Calls `List` with the configured deadline.
   * @throws {KubeletUnavailableError} the socket cannot be reached.
   * @throws {KubeletTimeoutError} no answer before the deadline.
   * @throws {KubeletRequestError} any other gRPC error.
   */
  list(): Promise<PodResources[]> {
    const grpcClient = this.connected();
    const deadline = new Date(Date.now() + this.timeoutMs);
    return new Promise((resolve, reject) => {
      grpcClient.list({}, new Metadata(), { deadline }, (error, response) => {
        if (error) {
          this.disconnect(grpcClient);
          reject(this.toKubeletError(error));
          return;
        }
        resolve(response.podResources);
      });
    });
  }

  /** Closes the channel; a later {@link list} opens a new one. */
  close(): void {
    if (this.grpcClient) this.disconnect(this.grpcClient);
  }

  private connected(): PodResourcesListerClient {
    this.grpcClient ??= new PodResourcesListerClient(
      `unix://${this.socketPath}`,
      credentials.createInsecure(),
      {
        'grpc.max_receive_message_length': this.maxResponseBytes,
      },
    );
    return this.grpcClient;
  }

  private disconnect(grpcClient: PodResourcesListerClient): void {
    grpcClient.close();
    if (this.grpcClient === grpcClient) this.grpcClient = undefined;
  }

  private toKubeletError(error: ServiceError): KubeletPodResourcesError {
    const details = error.details || error.message;
    switch (error.code) {
      case status.UNAVAILABLE:
        return new KubeletUnavailableError(this.socketPath, details, { cause: error });
      case status.DEADLINE_EXCEEDED:
        return new KubeletTimeoutError(this.socketPath, this.timeoutMs, { cause: error });
      default:
        return new KubeletRequestError(this.socketPath, error.code, details, { cause: error });
    }
  }
}
