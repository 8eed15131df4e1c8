/** Base of every failure of the kubelet pod-resources API; `socketPath` names the socket that was asked. */
export class KubeletPodResourcesError extends Error {
  constructor(
    message: string,
    /** Filesystem path of the kubelet socket the call went to. */
    readonly socketPath: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The kubelet socket could not be reached: it is missing, nobody listens on it, or the process may not open it.
 * Raised for gRPC `UNAVAILABLE`.
 */
export class KubeletUnavailableError extends KubeletPodResourcesError {
  constructor(socketPath: string, details: string, options?: ErrorOptions) {
    super(
      `kubelet pod-resources API unreachable at unix://${socketPath} (${details}). ` +
        'Check that the socket path is right, that the host directory /var/lib/kubelet/pod-resources ' +
        'is mounted into this container, and that the process has read/write permission on the socket.',
      socketPath,
      options,
    );
  }
}

/** The kubelet did not answer within the deadline (gRPC `DEADLINE_EXCEEDED`). */
export class KubeletTimeoutError extends KubeletPodResourcesError {
  constructor(
    socketPath: string,
    /** The deadline that passed, in milliseconds. */
    readonly timeoutMs: number,
    options?: ErrorOptions,
  ) {
    super(
      `kubelet pod-resources API at unix://${socketPath} did not answer within ${timeoutMs} ms; ` +
        'the kubelet may be overloaded or stuck.',
      socketPath,
      options,
    );
  }
}

/** The kubelet answered with any other gRPC error status (for example `PERMISSION_DENIED` or `UNIMPLEMENTED`). */
export class KubeletRequestError extends KubeletPodResourcesError {
  constructor(
    socketPath: string,
    /** The numeric gRPC status code (`@grpc/grpc-js` `status`). */
    readonly code: number,
    details: string,
    options?: ErrorOptions,
  ) {
    super(
      `kubelet pod-resources API at unix://${socketPath} failed: ${details} (gRPC code ${code})`,
      socketPath,
      options,
    );
  }
}
