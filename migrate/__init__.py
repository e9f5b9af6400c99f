"""apigw-migrate: move an Amazon API Gateway REST API (v1) to an HTTP API (v2) safely."""

__version__ = "0.1.0"
