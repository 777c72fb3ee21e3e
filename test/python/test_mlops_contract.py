"""The MLOps contract (sql/registry/mlops_contract.json), Python side: the unpack notebook reads
its columns, feature types and parameters from the same file the stack reads (jest:
test/mlops-contract.test.ts)."""

import json
import os

import pytest

from notebook_loader import REPO_ROOT, load_notebook

CONTRACT_FILE = os.path.join(REPO_ROOT, "sql", "registry", "mlops_contract.json")


@pytest.fixture(scope="module")
def contract():
    with open(CONTRACT_FILE, encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def nb():
    return load_notebook("notebooks/mlops_unpack_inference.py")


def test_the_notebook_reads_the_contract_file(nb, contract):
    assert nb.CONTRACT == contract
    assert list(nb.FEATURE_TYPES) == contract["feature_types"]
    assert list(nb.PARAMETERS) == contract["unpack_parameters"]


def test_processed_columns_follow_the_contract_in_order(nb, contract):
    spec = nb.UnpackSpec(
        payload_table="c.s.p",
        target_table="c.s.t",
        prediction_col="p",
        label_col="l",
        model_id_col="m",
        timestamp_col="t",
        prediction_type="double",
        features=[{"name": "f1", "type": "int"}],
    )
    named = {"timestamp": "t", "model_id": "m", "prediction": "p", "label": "l"}
    expected = []
    for c in contract["processed_columns"]:
        if c.get("role") == "features":
            expected.append(("f1", "int"))
        else:
            expected.append((c.get("name") or named[c["role"]], "double" if c["type"] == "prediction_type" else c["type"]))
    assert nb.processed_columns(spec) == expected
    assert nb.not_null_columns(spec) == {"request_id", "record_index"}


def test_feature_types_outside_the_contract_are_refused(nb, contract):
    assert nb.parse_features(json.dumps([{"name": "a", "type": t} for t in contract["feature_types"]]))
    with pytest.raises(ValueError, match="type one of"):
        nb.parse_features(json.dumps([{"name": "a", "type": "varchar"}]))


def test_every_contract_parameter_is_understood(nb, contract):
    params = {name: "" for name in contract["unpack_parameters"]}
    params.update(payload_table="c.s.p", target_table="c.s.t", features_json="[]")
    spec = nb.spec_from_parameters(params)
    assert (spec.payload_table, spec.target_table, spec.prediction_type) == ("c.s.p", "c.s.t", "string")
    with pytest.raises(ValueError, match="prediction_type"):
        nb.spec_from_parameters({**params, "prediction_type": "int"})


def test_an_explicit_contract_path_is_read(nb, tmp_path, contract):
    other = dict(contract, feature_types=["string"])
    path = tmp_path / "contract.json"
    path.write_text(json.dumps(other))
    assert nb.load_contract(str(path))["feature_types"] == ["string"]
