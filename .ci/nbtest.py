"""Run every notebook's tests with nbdev and print one line per notebook, then `N passed, N failed`.

Used by `make test`. Cells flagged with a `tst_flags` flag from settings.ini (slow, cuda) are skipped
unless named in --flags. Each worker process gets an equal share of the CPU threads. Each notebook gets its own
temporary folder (TMPDIR), removed when the notebook ends unless --keep-tmp is given, so runs, caches and checkpoints
that tests write leave nothing behind.
"""
import argparse, os, shutil, sys, tempfile, time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path


def run_one(path, flags, threads, tmp_root, keep_tmp=False):
    os.environ.setdefault('OMP_NUM_THREADS', str(threads))
    os.environ.setdefault('HF_HUB_OFFLINE', '1')
    os.environ.setdefault('MPLBACKEND', 'Agg')
    from nbdev.config import get_config
    from nbdev.test import test_nb
    cfg = get_config()
    start = time.time()
    os.chdir(cfg.nbs_path)
    # nbdev's IPython shell replaces sys.modules['__main__'], which the worker needs to unpickle its next job
    main_module = sys.modules['__main__']
    scratch = tempfile.mkdtemp(prefix=f'{Path(path).stem}-', dir=tmp_root)
    old_tmpdir = os.environ.get('TMPDIR')
    os.environ['TMPDIR'] = tempfile.tempdir = scratch  # the processes that tests launch inherit TMPDIR
    try:
        ok, _ = test_nb(Path(path), skip_flags=cfg.tst_flags.split(), force_flags=flags.split(), basepath=cfg.config_path)
    finally:
        sys.modules['__main__'] = main_module
        tempfile.tempdir = None
        if old_tmpdir is None:
            os.environ.pop('TMPDIR', None)
        else:
            os.environ['TMPDIR'] = old_tmpdir
        if keep_tmp:
            print(f'kept the temporary folder of {Path(path).name}: {scratch}', flush=True)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return ok, time.time() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('paths', nargs='*', help='notebooks to test (default: every nbs/*.ipynb not starting with _)')
    parser.add_argument('--flags', default='', help='space-separated test flags to run, e.g. "slow"')
    parser.add_argument('--workers', type=int, default=2, help='notebooks tested at once')
    parser.add_argument('--keep-tmp', action='store_true', help="keep each notebook's temporary folder for inspection")
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    paths = [Path(p).resolve() for p in args.paths] or sorted(
        p for p in (root / 'nbs').glob('*.ipynb') if not p.name.startswith('_'))
    threads = max(1, (os.cpu_count() or 1) // max(1, args.workers))
    start, passed, failed = time.time(), [], []
    # one parent folder, so that files written after a notebook's folder was removed go with it at the end
    tmp_root = tempfile.mkdtemp(prefix='kd_nb-tests-')
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        futures = {pool.submit(run_one, str(p), args.flags, threads, tmp_root, args.keep_tmp): p for p in paths}
        for fut in as_completed(futures):
            p = futures[fut]
            try:
                ok, secs = fut.result()
            except Exception as e:  # a crashed worker counts as a failure of that notebook
                ok, secs = False, 0.0
                print(f'ERROR {p.name}: {e!r}', file=sys.stderr)
            (passed if ok else failed).append(p.name)
            print(f"{'PASS' if ok else 'FAIL'} {p.name} ({secs:.0f} s)", flush=True)
    if not args.keep_tmp:
        shutil.rmtree(tmp_root, ignore_errors=True)
    print(f'total wall time {time.time() - start:.0f} s')
    if failed: print('failed notebooks: ' + ', '.join(sorted(failed)))
    print(f'{len(passed)} passed, {len(failed)} failed')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
