"""Measure what the teacher costs a distillation step, with and without kd_nb's teacher-output cache, against fasterai.

Run `python benchmarks/bench_step.py` (or `make bench`). The student is a ResNet-18, the teacher a CLIP with the
sizes of ViT-B/32 (random weights, the real transformers architecture), at 224 px with batches of 32. Every variant
runs in its own process, so its peak resident memory (RSS) is its own. The step variants take their training steps
in turn, one step at a time, so a change of machine load during the run reaches all of them alike. Each reports the
median time of a training step over `--steps` steps after `--warmup` warm-up steps:

  student_only   ResNet-18 with cross-entropy only
  kd_cached      + logit KD with the teacher's logits read from a `TeacherCache`
  kd_live        + logit KD with kd_nb's frozen teacher run live under `torch.inference_mode()`
  naive_teacher  + logit KD with a plain fp32 teacher: gradients enabled, train mode
  fasterai       + the same teacher and KD loss through fasterai's `KnowledgeDistillationCallback`

A step is the whole fastai step (teacher, forward, loss, backward, optimiser step). The batch comes from memory, so
loading is not part of it. A last variant, `epochs`, runs alone: training epochs fed by the cached loader with its
default workers, compared with the steps inside them. The last line printed is machine-readable:
`P1=... P2=... P3live=... P3cached=... P4=...`.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path

VARIANTS = ('student_only', 'kd_cached', 'kd_live', 'naive_teacher', 'fasterai', 'epochs')
GOALS = {  # ratio: (comparison, goal)
    'P1': ('<=', 1.10),
    'P2': ('>=', 1.5),
    'P3live': ('>=', 1.0),
    'P3cached': ('>=', 2.0),
    'P4': ('<=', 1.05),
}
RATIO_DEFINITIONS = {
    'P1': 'kd_cached / student_only',
    'P2': 'naive_teacher / kd_live',
    'P3live': 'fasterai / kd_live (kd_nb live speed-up over fasterai)',
    'P3cached': 'fasterai / kd_cached (kd_nb cached speed-up over fasterai)',
    'P4': 'epoch with loader / its steps alone',
}
# B/32 vision tower: 12 layers of width 768, MLP 3072, 12 heads, 32 px patches at 224 px, 512-d projection.
VIT_B32 = dict(image_size=224, patch_size=32, hidden_size=768, num_layers=12, num_heads=12, projection_dim=512)
VIT_B32_MLP = 3072
T = 4.0  # KD temperature of every KD variant
KD_WEIGHT = 0.5  # loss = 0.5 * CE + 0.5 * KD in every KD variant, which is what fasterai's weight=0.5 gives


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--steps', type=int, default=5, help='timed training steps per variant (at least 5)')
    parser.add_argument('--warmup', type=int, default=1, help='untimed training steps before the timed ones')
    parser.add_argument('--threads', type=int, default=2, help='torch CPU threads per variant')
    parser.add_argument('--batch-size', type=int, default=32, help='images per training batch')
    parser.add_argument('--img-size', type=int, default=224, help='image side in pixels, for student and teacher')
    parser.add_argument('--epochs', type=int, default=2, help='timed epochs in the loader measurement')
    parser.add_argument('--device', default='auto', help='auto, cpu or cuda')
    parser.add_argument('--variants', nargs='*', default=list(VARIANTS), choices=VARIANTS, help='variants to run')
    parser.add_argument('--workdir', default=None, help='folder for the sample, teacher and cache (default: a temporary one, deleted afterwards)')
    parser.add_argument('--json', default=None, help='also write all measurements to this JSON file')
    return parser.parse_args(argv)


# --- set-up, run once in the parent process ---------------------------------------------------------------------

def write_b32_teacher(dest: Path) -> Path:
    "Write a CLIP checkpoint with ViT-B/32 vision sizes and random weights, a small text tower and its tokenizer."
    from transformers import CLIPImageProcessor, CLIPModel
    import torch
    from kd_nb.teacher import CLIP_MEAN, CLIP_STD, small_clip_config, write_byte_tokenizer

    if (dest / 'model.safetensors').exists():
        return dest
    config = small_clip_config(**VIT_B32)
    config.vision_config.intermediate_size = VIT_B32_MLP
    tmp = dest.with_name(dest.name + '.tmp')
    shutil.rmtree(tmp, ignore_errors=True)
    tokenizer = write_byte_tokenizer(tmp)
    tokenizer.save_pretrained(tmp)
    torch.manual_seed(0)
    CLIPModel(config).save_pretrained(tmp)
    size = VIT_B32['image_size']
    CLIPImageProcessor(size={'shortest_edge': size}, crop_size={'height': size, 'width': size},
                       image_mean=list(CLIP_MEAN), image_std=list(CLIP_STD)).save_pretrained(tmp)
    tmp.rename(dest)
    return dest


def sample_settings(batch_size: int) -> dict:
    "Sample size giving three training batches after the 10% validation split."
    n_classes = 10
    per_class_train = -(-3 * batch_size // n_classes) + 1  # one per class goes to validation
    return dict(n_classes=n_classes, n_per_class=2 * per_class_train, seed=0)


def setup(args, workdir: Path) -> dict:
    "Write the CUB-format sample and the B/32-sized teacher, and build the teacher-output cache."
    import torch
    from kd_nb.cache import TeacherCache
    from kd_nb.data import make_cub_sample
    from kd_nb.teacher import CLIPTeacher

    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    sample = make_cub_sample(workdir / 'cub_sample', **sample_settings(args.batch_size))
    teacher_path = write_b32_teacher(workdir / 'clip_b32')
    setup_s = time.perf_counter() - start
    device = resolve_device(args.device)
    dls = data_loaders(sample, args, device)
    # Logit KD needs no attention maps, so the cache holds logits only and the teacher keeps its default attention.
    teacher = CLIPTeacher(teacher_path, dls.class_names, device=device)
    start = time.perf_counter()
    cache = TeacherCache.build(teacher, dls, workdir / 'cache', draws=1, seed=0, progress=False)
    build_s = time.perf_counter() - start
    views = sum(v['items'] * v['draws'] for v in cache.manifest['splits'].values())
    return {'sample': str(sample), 'teacher': str(teacher_path), 'cache': str(cache.path), 'files_s': setup_s,
            'cache_build_s': build_s, 'cache_views': views, 'train_images': len(dls.train.dataset)}


def resolve_device(name: str):
    "Return the torch device for `--device`: auto picks CUDA when available."
    import torch
    if name == 'auto':
        return torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    return torch.device(name)


def data_loaders(sample, args, device):
    "Return the CUB loaders of the sample with the data module's default workers for `device`."
    from kd_nb.data import cub_dataloaders
    return cub_dataloaders(sample, img_size=args.img_size, batch_size=args.batch_size, val_pct=0.1, seed=0,
                           device=device)


# --- one variant, run in its own process ----------------------------------------------------------------------------

PHASES = ('teacher', 'forward', 'loss', 'backward', 'step', 'rest')


def step_timers(sync: bool, conn=None) -> list:
    """Return fastai callbacks that time every training step, its phases and every epoch.

    A step starts on the parent's signal (when `conn` is given). Its phases end at the events of fastai's loop:
    `teacher` at the end of `before_batch` (kd_nb runs a live teacher there), `forward` at `after_pred`, `loss` at
    `after_loss` (fasterai runs its teacher there), `backward` at `after_backward`, `step` at `after_step`, and
    `rest` (zeroing the gradients, recording the loss) at `after_batch`.
    """
    import torch
    from fastai.callback.core import Callback

    def now():
        if sync:
            torch.cuda.synchronize()
        return time.perf_counter()

    class StepTimer(Callback):
        order = -100  # first in before_batch, so the teacher of DistillationCallback (order 20) is timed too

        def __init__(self):
            self.steps = []
            self.cpu_steps = []
            self.epochs = []
            self.cpu_epochs = []
            self.phases = []

        def before_train(self):
            self.epoch_start = now()
            self.epoch_cpu_start = time.process_time()

        def after_train(self):
            self.epochs.append(now() - self.epoch_start)
            self.cpu_epochs.append(time.process_time() - self.epoch_cpu_start)

        def before_batch(self):
            if not self.training:  # validation batches are not timed
                return
            if conn is not None:
                conn.recv()  # wait until the parent lets this variant take its step
            self.marks = [now()]
            self.cpu_start = time.process_time()

        def after_batch(self):
            if not self.training:
                return
            self.marks.append(now())
            self.cpu_steps.append(time.process_time() - self.cpu_start)
            self.steps.append(self.marks[-1] - self.marks[0])
            self.phases.append([b - a for a, b in zip(self.marks, self.marks[1:])])
            if conn is not None:
                conn.send(('step', self.steps[-1]))

    class PhaseMarks(Callback):
        order = 30  # after DistillationCallback (20) and fasterai's callback (0) in every event

        def __init__(self, timer):
            self.timer = timer

        def mark(self):
            if self.training:
                self.timer.marks.append(now())

        # One mark at the end of each of these events, after the callbacks of lower order have run.
        before_batch = mark
        after_pred = mark
        after_loss = mark
        after_backward = mark
        after_step = mark

    timer = StepTimer()
    return [timer, PhaseMarks(timer)]


def memory_dls(batches: list, device):
    "fastai DataLoaders whose training loader yields `batches` (already collated) and whose validation loader is empty."
    from fastai.data.core import DataLoaders
    from fastai.data.load import DataLoader
    train = DataLoader(batches, bs=None, device=device)
    valid = DataLoader([], bs=None, device=device)
    return DataLoaders(train, valid, device=device)


def quiet_fit(learn, epochs: int = 1):
    "Fit without progress bars or the per-epoch table."
    import fastai.callback.progress  # noqa: F401  (adds Learner.no_bar)
    learn.logger = lambda *args, **kwargs: None
    with learn.no_bar():
        learn.fit(epochs, lr=1e-3)


def run_variant(name: str, args, info: dict, conn=None) -> dict:
    "Build the learner of variant `name`, fit it for the warm-up and timed steps, and return its timings."
    import torch
    from kd_nb.cache import TeacherCache, precision_callbacks
    from kd_nb.distill import kd_learner
    from kd_nb.losses import kd_loss
    from kd_nb.student import build_student
    from kd_nb.teacher import CLIPTeacher, image_embeddings

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    device = resolve_device(args.device)
    sync = device.type == 'cuda'
    dls = data_loaders(info['sample'], args, device)
    train_ds = dls.train.dataset
    cache = TeacherCache(info['cache'])
    bs = args.batch_size

    # One batch of recorded views, in memory: the same pixels for every variant.
    views = cache.views('train')
    images = torch.stack([train_ds.load_view(i, cache.view_params('train', i, 0)) for i in range(bs)])
    labels = torch.from_numpy(train_ds.labels[:bs].copy())
    keys = torch.arange(bs) * views.shape[1]
    n_batches = args.warmup + args.steps
    plain_batches = [(images, labels)] * n_batches
    keyed_batches = [(images, keys, labels)] * n_batches

    precision_cbs, precision = precision_callbacks('auto', device)
    student = build_student('resnet18', dls.c, pretrained=False).to(device)
    timers = step_timers(sync, conn)
    timer = timers[0]
    kd_args = dict(metrics=[], T=T, alpha_ce=KD_WEIGHT, alpha_kd=KD_WEIGHT)
    result = {'variant': name, 'precision': precision, 'device': str(device)}

    def teacher(attention=False):
        return CLIPTeacher(info['teacher'], dls.class_names, attention=attention, device=device)

    if name == 'student_only':
        learn = kd_learner(memory_dls(plain_batches, device), student, None, 'none', cbs=timers + precision_cbs, metrics=[])
    elif name == 'kd_cached':
        learn = kd_learner(memory_dls(keyed_batches, device), student, None, 'logit', cbs=timers + precision_cbs,
                           teacher_outputs=cache.teacher_outputs, **kd_args)
    elif name == 'kd_live':
        learn = kd_learner(memory_dls(plain_batches, device), student, teacher(), 'logit', cbs=timers + precision_cbs,
                           **kd_args)
    elif name == 'naive_teacher':
        # The same weights, unfrozen and in train mode, run in fp32 with autograd recording: what a loop that calls
        # `teacher(x)` on a model loaded for training pays. kd_loss detaches the logits, so no teacher backward runs.
        naive = teacher()
        text_embeds = naive.text_embeds
        clip = naive.clip.requires_grad_(True).train()

        def naive_outputs(xb, learn):
            with torch.enable_grad():
                embeds, _ = image_embeddings(clip, naive.preprocess(xb[0]))
            return {'logits': naive.logit_scale * embeds @ text_embeds.T}

        learn = kd_learner(memory_dls(plain_batches, device), student, None, 'logit', cbs=timers,
                           teacher_outputs=naive_outputs, **kd_args)
    elif name == 'fasterai':
        from fastai.learner import Learner
        from fastai.losses import CrossEntropyLossFlat
        from fastai.optimizer import Adam
        from fasterai.distill.distillation_callback import KnowledgeDistillationCallback

        frozen = teacher()

        class Logits(torch.nn.Module):
            "The frozen teacher as the module fasterai calls: images in, logits out."
            def __init__(self):
                super().__init__()
                self.teacher = frozen

            def forward(self, x):
                return self.teacher(x)['logits']

        def kd(pred, teacher_pred, **kwargs):
            return kd_loss(pred, teacher_pred, T)

        distill = KnowledgeDistillationCallback(Logits().to(device), kd, weight=KD_WEIGHT)
        learn = Learner(memory_dls(plain_batches, device), student, loss_func=CrossEntropyLossFlat(), opt_func=Adam,
                        cbs=timers + [distill] + precision_cbs)
    elif name == 'epochs':
        return run_epochs(args, info, dls, cache, student, timers, precision_cbs, kd_args, result)
    else:
        raise ValueError(f'Unknown variant {name!r}; expected one of {VARIANTS}.')

    if conn is not None:
        conn.send(('ready', None))
    quiet_fit(learn)
    timed = timer.steps[args.warmup:]
    timed_phases = [p for p in timer.phases[args.warmup:] if len(p) == len(PHASES)]
    phases = {phase: statistics.median([p[k] for p in timed_phases]) for k, phase in enumerate(PHASES)} if timed_phases else {}
    cpu = timer.cpu_steps[args.warmup:]
    result.update(steps_s=timed, median_s=statistics.median(timed), warmup_s=timer.steps[:args.warmup], phases_s=phases,
                  cpu_steps_s=cpu, cpu_median_s=statistics.median(cpu))
    return result


def run_epochs(args, info, dls, cache, student, timers, precision_cbs, kd_args, result) -> dict:
    """Time training epochs fed by the cached loader with its default workers, and the steps inside them.

    An epoch's time minus the time of its steps is what the loader adds: decoding, cropping and collating the
    batches, and waiting for them. Both numbers come from the same epochs, so a change of machine load between two
    separate runs cannot skew their ratio.
    """
    from kd_nb.cache import cached_dataloaders
    from kd_nb.distill import kd_learner

    timer = timers[0]
    cdls = cached_dataloaders(dls, cache)
    warmup = memory_dls([next(iter(cdls.train))], dls.device)
    quiet_fit(kd_learner(warmup, student, None, 'logit', cbs=timers + precision_cbs,
                         teacher_outputs=cache.teacher_outputs, **kd_args))
    learn = kd_learner(cdls, student, None, 'logit', cbs=timers + precision_cbs,
                       teacher_outputs=cache.teacher_outputs, **kd_args)
    epochs, compute, cpu_epochs, cpu_compute = [], [], [], []
    for _ in range(args.epochs):
        first_step = len(timer.steps)
        quiet_fit(learn)
        epochs.append(timer.epochs[-1])
        compute.append(sum(timer.steps[first_step:]))
        cpu_epochs.append(timer.cpu_epochs[-1])
        cpu_compute.append(sum(timer.cpu_steps[first_step:]))
    result.update(loader_epochs_s=epochs, compute_epochs_s=compute, cpu_loader_epochs_s=cpu_epochs,
                  cpu_compute_epochs_s=cpu_compute, steps_per_epoch=len(cdls.train),
                  num_workers=cdls.train.fake_l.num_workers)
    return result


def worker_process(name: str, arg_values: dict, info: dict, conn=None):
    "Run one variant: build it, time its steps (on the parent's signals when `conn` is given), send back the result."
    args = argparse.Namespace(**arg_values)
    try:
        import torch  # noqa: F401
        import fastai.learner  # noqa: F401
        import transformers  # noqa: F401
        import kd_nb.cache  # noqa: F401
        # ru_maxrss is in KiB on Linux: the peak resident memory of this process so far.
        import_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        result = run_variant(name, args, info, conn)
        result['import_rss_mib'] = import_rss
        result['peak_rss_mib'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        message = ('result', result)
    except Exception as e:
        message = ('error', f'{type(e).__name__}: {e}\n{traceback.format_exc()}')
    if conn is not None:
        conn.send(message)
    return message


def _run_and_send(name: str, arg_values: dict, info: dict, conn):
    conn.send(worker_process(name, arg_values, info))


# --- the parent: set-up, one process per variant, report ------------------------------------------------------------

def start_process(target, name: str, args, info: dict):
    "Start `target(name, vars(args), info, pipe end)` in a fresh (spawned) Python process; return it and the parent's pipe end."
    context = multiprocessing.get_context('spawn')
    parent_end, child_end = context.Pipe()
    process = context.Process(target=target, args=(name, vars(args), info, child_end), daemon=True)
    process.start()
    return process, parent_end


def receive(name: str, process, pipe, results: dict):
    "Receive one message from a variant's process; record and print a failure."
    try:
        kind, value = pipe.recv()
    except EOFError:
        kind, value = 'error', f'the process exited with code {process.exitcode}'
    if kind == 'error':
        print(f'  {name} failed: {value}', flush=True)
        results[name] = {'variant': name, 'error': value.strip().splitlines()[0]}
    return kind, value


def run_interleaved(names: list, args, info: dict) -> dict:
    """Start one process per variant and let the variants take their training steps in turn, one step at a time.

    The load of a shared machine changes over minutes, so variants timed one after the other would see different
    loads. Taking turns spreads each change over all variants, and the order rotates every round.
    """
    workers = {name: start_process(worker_process, name, args, info) for name in names}
    results = {}
    start = time.perf_counter()
    for name, (process, pipe) in workers.items():
        receive(name, process, pipe, results)  # 'ready' once the variant's models are built
    active = [name for name in names if name not in results]
    print(f'  {len(active)} variants ready after {time.perf_counter() - start:.0f} s; timing their steps in turn', flush=True)
    for round_index in range(args.warmup + args.steps):
        shift = round_index % max(1, len(active))
        for name in active[shift:] + active[:shift]:
            if name in results:
                continue
            process, pipe = workers[name]
            pipe.send('go')
            receive(name, process, pipe, results)
    for name in active:
        if name not in results:
            process, pipe = workers[name]
            kind, value = receive(name, process, pipe, results)
            if kind == 'result':
                results[name] = value
    for process, _ in workers.values():
        process.join(timeout=60)
    return results


def run_alone(name: str, args, info: dict) -> dict:
    "Run one variant in its own process, with no other variant running."
    process, pipe = start_process(_run_and_send, name, args, info)
    results = {}
    kind, value = receive(name, process, pipe, results)
    process.join(timeout=60)
    return results.get(name, value)


def ratios(results: dict, clock: str = 'wall') -> dict:
    "Return P1 to P4 from wall-clock or CPU-time medians; a ratio whose variants failed or did not run is NaN."
    prefix = '' if clock == 'wall' else 'cpu_'

    def median(name):
        return results.get(name, {}).get(f'{prefix}median_s', float('nan'))

    epochs = results.get('epochs', {})
    if f'{prefix}loader_epochs_s' in epochs:
        p4 = sum(epochs[f'{prefix}loader_epochs_s']) / sum(epochs[f'{prefix}compute_epochs_s'])
    else:
        p4 = float('nan')
    return {
        'P1': median('kd_cached') / median('student_only'),
        'P2': median('naive_teacher') / median('kd_live'),
        'P3live': median('fasterai') / median('kd_live'),
        'P3cached': median('fasterai') / median('kd_cached'),
        'P4': p4,
    }


def meets(name: str, value: float) -> str:
    "Describe whether ratio `name` meets its goal."
    op, goal = GOALS[name]
    if value != value:
        return 'not measured'
    ok = value <= goal if op == '<=' else value >= goal
    return f"goal {op} {goal}: {'met' if ok else 'MISSED'}"


def print_steps(results: dict):
    "Print the step times and peak RSS of every variant."
    print(f"{'variant':<15} {'median step s':>13} {'min s':>7} {'max s':>7} {'steps':>5} {'CPU s':>7} {'peak RSS MiB':>12} {'after imports':>13}")
    for name in VARIANTS:
        r = results.get(name)
        if r is None:
            continue
        if 'error' in r:
            print(f'{name:<15} failed: {r["error"]}')
            continue
        if name == 'epochs':
            print(f"{name:<15} {'':>13} {'':>7} {'':>7} {'':>5} {'':>7} {r['peak_rss_mib']:>12.0f} {r['import_rss_mib']:>13.0f}")
            epochs = ', '.join(f'{s:.2f}' for s in r['loader_epochs_s'])
            steps = ', '.join(f'{s:.2f}' for s in r['compute_epochs_s'])
            print(f"  {r['steps_per_epoch']} steps per epoch, {r['num_workers']} loader workers: "
                  f"epochs {epochs} s, their steps {steps} s")
            continue
        steps = r['steps_s']
        print(f"{name:<15} {r['median_s']:>13.3f} {min(steps):>7.3f} {max(steps):>7.3f} {len(steps):>5} "
              f"{r['cpu_median_s']:>7.3f} {r['peak_rss_mib']:>12.0f} {r['import_rss_mib']:>13.0f}")


def print_phases(results: dict):
    "Print the median time of each phase of a step, per variant."
    print('median seconds per phase of a step (the teacher runs in `teacher` for kd_nb, in `loss` for fasterai):')
    print(f"{'variant':<15} " + ' '.join(f'{phase:>9}' for phase in PHASES))
    for name in VARIANTS:
        phases = results.get(name, {}).get('phases_s')
        if phases:
            print(f'{name:<15} ' + ' '.join(f'{phases[phase]:>9.3f}' for phase in PHASES))


def report(results: dict, info: dict, args, total_s: float) -> dict:
    "Print the machine, the set-up, every variant's numbers and the ratios; return the ratios."
    import platform
    import torch

    device = results.get('student_only', {}).get('device', args.device)
    print()
    print(f'machine: {platform.machine()}, {os.cpu_count()} CPUs visible, {args.threads} torch threads per variant, '
          f'torch {torch.__version__}, device {device}')
    per_view = info['cache_build_s'] / max(1, info['cache_views'])
    print(f"set-up: sample and teacher files {info['files_s']:.1f} s, cache build {info['cache_build_s']:.1f} s "
          f"for {info['cache_views']} views ({per_view:.3f} s per view)")
    print()
    print_steps(results)
    print()
    print_phases(results)
    print()
    values = ratios(results)
    cpu_values = ratios(results, 'cpu')
    print(f"{'':<9}   {'wall':>6} {'CPU':>6}")
    for name, value in values.items():
        print(f'{name:<9} = {value:6.3f} {cpu_values[name]:6.3f}   {RATIO_DEFINITIONS[name]:<58} {meets(name, value)}')
    print('(CPU: ratios of the medians of process CPU time per step, which other jobs on the machine disturb less; '
          'the goals are judged on wall-clock time.)')
    print(f'\ntotal wall time {total_s:.0f} s')
    print(' '.join(f'{name}={value:.3f}' for name, value in values.items()), flush=True)
    return {'wall': values, 'cpu': cpu_values}


def main(argv=None):
    args = parse_args(argv)
    os.environ.setdefault('HF_HUB_OFFLINE', '1')
    if args.steps < 5:
        sys.exit(f'--steps={args.steps} is too few: the medians need at least 5 timed steps.')
    start = time.perf_counter()
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix='kd_nb_bench_'))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        print(f'setting up in {workdir} (sample, B/32-sized teacher, teacher-output cache)', flush=True)
        info = setup(args, workdir)
        os.environ.update(OMP_NUM_THREADS=str(args.threads), MKL_NUM_THREADS=str(args.threads))
        step_variants = [name for name in args.variants if name != 'epochs']
        if 'fasterai' in step_variants and not fasterai_installed():
            print('  fasterai is not installed, so its variant is skipped (pip install -e ".[bench]")', flush=True)
            step_variants.remove('fasterai')
        results = run_interleaved(step_variants, args, info)
        if 'epochs' in args.variants:
            print('  timing epochs fed by the cached loader', flush=True)
            results['epochs'] = run_alone('epochs', args, info)
        values = report(results, info, args, time.perf_counter() - start)
        if args.json:
            Path(args.json).write_text(json.dumps({'setup': info, 'results': results, 'ratios': values,
                                                   'args': vars(args)}, indent=2))
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


def fasterai_installed() -> bool:
    "Whether fasterai can be imported (it comes with the `bench` extra)."
    import importlib.util
    return importlib.util.find_spec('fasterai') is not None


if __name__ == '__main__':
    main()
