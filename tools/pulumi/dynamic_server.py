"""The SDK's dynamic-provider server (`python -m pulumi.dynamic`), with one clearer error.

`pulumi import` and the `import_` option call Read with no state, so the SDK's server fails looking up the
pickled provider (`KeyError: '__provider'`, pulumi/pulumi#16175). This runs the SDK's server unchanged,
with a gRPC interceptor that answers such a Read with a message saying what to do instead.
"""

from __future__ import annotations

import runpy
from collections.abc import Callable
from typing import Any

import grpc
from pulumi.runtime.proto import provider_pb2

PROVIDER_KEY = "__provider"
IMPORT_HELP = (
    "`pulumi import` cannot take over an object through a Python dynamic provider: Pulumi calls Read without "
    "the pickled provider (pulumi/pulumi#16175). Declare the object in the program instead: TaskRouter "
    "objects are adopted by name or by `adopt_sid`, phone numbers by their E.164 number, and Conversations "
    "addresses by their address; adopted objects are restored, never deleted, on destroy."
)


class ImportGuard(grpc.ServerInterceptor):  # type: ignore[type-arg]
    """Turns a Read without provider state into a clear FAILED_PRECONDITION."""

    def intercept_service(self, continuation: Callable[[Any], Any], details: Any) -> Any:
        handler = continuation(details)
        if handler is None or not details.method.endswith("/Read") or handler.unary_unary is None:
            return handler
        read = handler.unary_unary

        def guarded(request: provider_pb2.ReadRequest, context: grpc.ServicerContext) -> Any:
            if PROVIDER_KEY not in request.properties.fields:
                context.abort(grpc.StatusCode.FAILED_PRECONDITION, IMPORT_HELP)
            return read(request, context)

        return grpc.unary_unary_rpc_method_handler(
            guarded,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


def main() -> None:
    make_server = grpc.server

    def server_with_guard(*args: Any, **kwargs: Any) -> Any:
        kwargs["interceptors"] = [*kwargs.get("interceptors", ()), ImportGuard()]
        return make_server(*args, **kwargs)

    grpc.server = server_with_guard  # the SDK's main() builds its server through this name
    runpy.run_module("pulumi.dynamic", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
