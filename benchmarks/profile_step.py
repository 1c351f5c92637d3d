"""Split a distillation step into its parts, to see where the time of `bench_step.py`'s variants goes.

Run `python benchmarks/profile_step.py`. It uses the sizes of `bench_step.py`: a ResNet-18 student, a CLIP teacher
with ViT-B/32 sizes and random weights, batches of 32 at 224 px and 2 torch threads. The parts below take turns, so
that a change of machine load reaches all of them alike, and each reports its median over `--reps` repetitions after
one warm-up:

  student_step        ResNet-18 forward, cross-entropy, backward and Adam step (what every variant pays).
  teacher_naive       teacher forward in train mode with autograd recording (the `naive_teacher` variant).
  teacher_kd_nb       kd_nb's frozen teacher under `torch.inference_mode()` (the `kd_live` variant).
  teacher_kd_nb_attn  the same teacher loaded with eager attention, returning its attention weights.
  cache_read          the logits of one batch read from a `TeacherCache`.

It then prints the step-time ratios that these parts allow at best, and the operators that take the most CPU time
in one forward pass of each teacher, from `torch.profiler`.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_step import data_loaders, write_b32_teacher, sample_settings  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--reps', type=int, default=5, help='timed repetitions of each part')
    parser.add_argument('--threads', type=int, default=2, help='torch CPU threads')
    parser.add_argument('--batch-size', type=int, default=32, help='images per batch')
    parser.add_argument('--img-size', type=int, default=224, help='image side in pixels')
    parser.add_argument('--device', default='cpu', help='cpu or cuda')
    parser.add_argument('--top', type=int, default=8, help='operators listed per profiled teacher')
    parser.add_argument('--workdir', default=None, help='folder for the sample, teacher and cache (default: a temporary one)')
    return parser.parse_args(argv)


def timed(fn, sync) -> float:
    "Return the seconds one call of `fn` takes."
    sync()
    start = time.perf_counter()
    fn()
    sync()
    return time.perf_counter() - start


def build_parts(args, workdir: Path) -> tuple[dict, dict]:
    "Return the parts to time, each a function of no arguments, and the teacher forward passes to profile."
    import torch
    import torch.nn.functional as F
    from kd_nb.cache import TeacherCache
    from kd_nb.data import make_cub_sample
    from kd_nb.student import build_student
    from kd_nb.teacher import CLIPTeacher, image_embeddings

    device = torch.device(args.device)
    sample = make_cub_sample(workdir / 'cub_sample', **sample_settings(args.batch_size))
    teacher_path = write_b32_teacher(workdir / 'clip_b32')
    dls = data_loaders(sample, args, device)
    images, labels = dls.train.one_batch()
    images, labels = images.to(device), labels.to(device)

    student = build_student('resnet18', dls.c, pretrained=False).to(device).train()
    opt = torch.optim.Adam(student.parameters(), lr=1e-3)

    def student_step():
        loss = F.cross_entropy(student(images), labels)
        loss.backward()
        opt.step()
        opt.zero_grad()

    frozen = CLIPTeacher(teacher_path, dls.class_names, device=device)
    with_attention = CLIPTeacher(teacher_path, dls.class_names, attention=True, device=device)
    naive = CLIPTeacher(teacher_path, dls.class_names, device=device)
    clip = naive.clip.requires_grad_(True).train()

    def teacher_naive():
        with torch.enable_grad():
            embeds, _ = image_embeddings(clip, naive.preprocess(images))
            return naive.logit_scale * embeds @ naive.text_embeds.T

    cache = TeacherCache.build(frozen, dls, workdir / 'cache', draws=1, seed=0, progress=False)
    keys = torch.arange(len(images))
    parts = {
        'student_step': student_step,
        'teacher_naive': teacher_naive,
        'teacher_kd_nb': lambda: frozen(images),
        'teacher_kd_nb_attn': lambda: with_attention(images),
        'cache_read': lambda: cache.outputs('train', keys),
    }
    profiled = {'teacher_naive': teacher_naive, 'teacher_kd_nb': parts['teacher_kd_nb']}
    return parts, profiled


def profile_table(fn, top: int) -> str:
    "Return the `top` operators by self CPU time of one call of `fn`."
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU]) as prof:
        fn()
    return prof.key_averages().table(sort_by='self_cpu_time_total', row_limit=top)


def main(argv=None):
    args = parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    sync = torch.cuda.synchronize if args.device.startswith('cuda') else (lambda: None)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(args.workdir or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        parts, profiled = build_parts(args, workdir)
        for fn in parts.values():  # warm-up
            fn()
        times = {name: [] for name in parts}
        for rep in range(args.reps):
            names = list(parts)
            names = names[rep % len(names):] + names[:rep % len(names)]  # rotate the order every round
            for name in names:
                times[name].append(timed(parts[name], sync))
        median = {name: statistics.median(values) for name, values in times.items()}

        print(f'batch {args.batch_size} at {args.img_size} px, {args.threads} threads, median of {args.reps} after one warm-up')
        print(f"{'part':<20} {'median s':>9} {'min s':>7} {'max s':>7}")
        for name, values in times.items():
            print(f'{name:<20} {median[name]:>9.3f} {min(values):>7.3f} {max(values):>7.3f}')

        student_s, naive_s, live_s, read_s = (median[k] for k in ('student_step', 'teacher_naive', 'teacher_kd_nb', 'cache_read'))
        print('\nBest step ratios these parts allow (step = student_step + teacher part, nothing else):')
        print(f'  P2 naive / live <= (S + naive teacher) / (S + kd_nb teacher) = {(student_s + naive_s) / (student_s + live_s):.3f}')
        print(f'  P3cached fasterai / cached <= (S + kd_nb teacher) / (S + cache read) = '
              f'{(student_s + live_s) / (student_s + read_s):.3f}')
        print(f'  autograd recording in the naive teacher adds {naive_s - live_s:+.3f} s '
              f'({naive_s / live_s:.3f}x the kd_nb teacher)')
        for name, fn in profiled.items():
            print(f'\nTop operators by self CPU time, one forward pass of {name}:')
            print(profile_table(fn, args.top))


if __name__ == '__main__':
    main()
