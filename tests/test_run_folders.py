"A run folder cannot lie (issue #24, item 2): 'done' means a summary of the folder's own config covering every epoch, and a folder holding another run's results is not reused."
import dataclasses, json
import pytest
from automix.config import resolve_config, ConfigError
from automix.runs import prepare_run
from automix.sweep import is_done


def write_run(d, cfg, epochs_done):
    d.mkdir(parents=True, exist_ok=True)
    (d / "config.json").write_text(json.dumps({**dataclasses.asdict(cfg), "commit": "x", "hardware": "cpu"}))
    (d / "summary.json").write_text(json.dumps({"epochs": epochs_done, "final_top1": 50.0}))
    (d / "metrics.csv").write_text("epoch\n1\n")


def test_is_done_only_for_its_own_finished_config(tmp_path):
    cfg = resolve_config(dataset="digits", method="mixup", epochs=3)
    write_run(tmp_path / "a", cfg, 3)
    assert is_done(tmp_path / "a", cfg)
    assert not is_done(tmp_path / "a", resolve_config(dataset="digits", method="automix", epochs=3))   # another config
    write_run(tmp_path / "b", cfg, 2)
    assert not is_done(tmp_path / "b", cfg)                                                            # a summary short of the epochs
    (tmp_path / "c").mkdir(); (tmp_path / "c" / "summary.json").write_text("{not json")
    (tmp_path / "c" / "config.json").write_text(json.dumps(dataclasses.asdict(cfg)))
    assert not is_done(tmp_path / "c", cfg)                                                            # a corrupt summary is not done


def test_reused_folder_refused_unless_same_run(tmp_path):
    old = resolve_config(dataset="digits", method="automix", epochs=3)
    write_run(tmp_path / "r", old, 3)                                                                  # results, and no last.pt
    with pytest.raises(ConfigError, match="another run's results"):
        prepare_run(resolve_config(dataset="digits", method="mixup", epochs=3, out_dir=str(tmp_path / "r"), resume=True))
    assert prepare_run(resolve_config(dataset="digits", method="automix", epochs=3, out_dir=str(tmp_path / "r"), resume=True)) == tmp_path / "r"
