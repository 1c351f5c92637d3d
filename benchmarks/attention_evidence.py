"""Does attention distillation move the student's attention onto the bird?

Trains ResNet-18 students on the offline CUB-format sample with the strategies none, logit, attention and
combined, three seeds each and the same budget (configs/demo.yaml with the student's last two stages compared
with the teacher's rollout on a 4x4 grid), then prints top-1 and student_attn_in_box as mean and standard
deviation over the seeds. This is an experiment, not a timed test: about 12 runs of one to two minutes each on
a 2-core CPU. Runs are a kd_experiments sweep, so an interrupted script continues where it stopped.

Usage: python benchmarks/attention_evidence.py [--seeds 0 1 2] [--epochs 6] [--out runs/sweeps]
"""
import argparse
import os
import tempfile
from pathlib import Path

import yaml

os.environ.setdefault('HF_HUB_OFFLINE', '1')
ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2], help='training seeds')
    parser.add_argument('--epochs', type=int, default=6, help='epochs per run')
    parser.add_argument('--out', default='runs/sweeps', help='folder receiving the sweep folder')
    args = parser.parse_args()
    os.chdir(ROOT)
    from kd_nb.cli import run_sweep

    sweep = {
        'name': 'attention_evidence',
        'out_dir': args.out,
        'base': 'configs/demo.yaml',
        'grid': {
            'distill.strategy': ['none', 'logit', 'attention', 'combined'],
            'train.seed': args.seeds,
            'train.epochs': [args.epochs],
            'student.attn_stages': [[-2]],
            'distill.attn_grid': [[4, 4]],
            'distill.alpha_attn': [5.0],
            'teacher_cache': ['off'],  # the recorded numbers come from a live teacher with fresh augmentations
        },
    }
    with tempfile.NamedTemporaryFile('w', suffix='.yaml', delete=False) as f:
        yaml.safe_dump(sweep, f)
    try:
        df = run_sweep(f.name)
    finally:
        os.unlink(f.name)
    ok = df[df['status'] == 'done'].astype({'top1': float, 'student_attn_in_box': float, 'teacher_attn_in_box': float})
    table = ok.groupby('strategy', sort=False).agg(
        runs=('top1', 'size'), top1_mean=('top1', 'mean'), top1_std=('top1', 'std'),
        attn_in_box_mean=('student_attn_in_box', 'mean'), attn_in_box_std=('student_attn_in_box', 'std'))
    print()
    print('| strategy | runs | top-1 (mean ± std) | student_attn_in_box (mean ± std) |')
    print('|---|---|---|---|')
    for strategy, row in table.iterrows():
        print(f'| {strategy} | {row.runs} | {row.top1_mean:.3f} ± {row.top1_std:.3f} '
              f'| {row.attn_in_box_mean:.3f} ± {row.attn_in_box_std:.3f} |')
    print(f"\nteacher_attn_in_box: {ok['teacher_attn_in_box'].mean():.3f}; "
          f"chance level is the box's share of the image area")


if __name__ == '__main__':
    main()
