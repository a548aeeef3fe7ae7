"""The test environment, set before pytest imports any test module.

The pynamodb models take their table names from TABLE_PREFIX when chalicelib.store.models is
first imported, and tests in any folder (tests/infra imports the models at collection) may be
the first to import it: so the environment is set here, once, for the whole run. Tests that start
the local stack or package the template remove these variables from the child's environment.
"""

from __future__ import annotations

import os
import uuid

os.environ.update(
    {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "TABLE_PREFIX": "test-",
        "CUSTOMER_TOKEN_SECRET": "test-secret-" + uuid.uuid4().hex,
        "WS_MANAGEMENT_ENDPOINT": "https://testapi.execute-api.us-east-1.amazonaws.com/dev",
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)

# Every Lambda function's AWS calls, recorded for tests/infra/test_iam_covers_code.py.
pytest_plugins = ["aws_calls_plugin"]

