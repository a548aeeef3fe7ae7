"""Run as a script (never imported by the tests): what the models and app.py say, as JSON on stdout.

The infra tests read these facts from a subprocess so that they never import the models or the
app into the pytest process: the models fix their table names (TABLE_PREFIX) at import, and the
integration tests need their own prefix.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("AWS_DEFAULT_REGION", "ap-northeast-2")


def main() -> None:
    from chalice.cli.factory import CLIFactory
    from chalice.deploy import models as chalice_models
    from chalice.deploy.appgraph import ApplicationGraphBuilder, DependencyBuilder

    import app
    from chalicelib.store.schema import create_table_kwargs, ttl_attribute_name
    from chalicelib.store.tables import ALL_MODELS
    from infra.aws.iam import app_function_names
    from infra.aws.template import table_logical_id, table_suffix

    config = CLIFactory(str(ROOT)).create_config_obj(chalice_stage_name="dev")
    graph = DependencyBuilder().build_dependencies(ApplicationGraphBuilder().build(config, "dev"))
    facts = {
        "tables": {
            table_logical_id(model): {
                "suffix": table_suffix(model),
                "kwargs": create_table_kwargs(model),
                "ttl": ttl_attribute_name(model),
            }
            for model in ALL_MODELS
        },
        "app_functions": app_function_names(app.app),
        "chalice_functions": sorted(r.resource_name for r in graph if isinstance(r, chalice_models.LambdaFunction)),
    }
    json.dump(facts, sys.stdout)


if __name__ == "__main__":
    main()
