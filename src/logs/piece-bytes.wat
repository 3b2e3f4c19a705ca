;; What the collector asks about the bytes of the piece that chunk-gate.wat scanned last (see ScannedPiece in
;; piece-gate.ts): a module of its own that imports the gate's memory and reads the piece where the gate copied it.
;;
;; The class cache (see class-cache.ts): the texts of flagged lines by their bytes, each with its class, so
;; that a line seen before is not classified again, and its text is neither made a string nor hashed by a Map.
;; A table of 8192 slots of four u32 (hash, length + 1 (0: empty), where a copy of its bytes lies, class) at
;; `classTable`, the copies in an arena of 1 MB at `classArena` (reads and writes go up to 15 bytes past a
;; copy). The caller keeps the table at most half full and clears both when one is full, so probes end.
(module
  (import "gate" "memory" (memory 29))
  (import "gate" "input" (global $input i32))
  (global $table (export "classTable") i32 (i32.const 655360))
  (global (export "classArena") i32 (i32.const 786432))

  (func $hash (param $at i32) (param $len i32) (result i32)
    (local $h i32) (local $end i32)
    (local.set $h (i32.mul (i32.add (local.get $len) (i32.const 1)) (i32.const 0x9E3779B1)))
    (local.set $end (i32.add (local.get $at) (local.get $len)))
    (block $bytes
      (loop $word
        (br_if $bytes (i32.gt_u (i32.add (local.get $at) (i32.const 4)) (local.get $end)))
        (local.set $h (i32.mul
          (i32.rotl (i32.xor (local.get $h) (i32.load align=1 (local.get $at))) (i32.const 13))
          (i32.const 0x85EBCA77)))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $word)))
    (block $done
      (loop $byte
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u (local.get $at))) (i32.const 0x01000193)))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (br $byte)))
    (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))

  ;; Whether the `len` bytes at a and at b are the same, 16 at a time.
  (func $same (param $a i32) (param $b i32) (param $len i32) (result i32)
    (local $eq i32)
    (loop $vec
      (local.set $eq (i8x16.bitmask (i8x16.eq (v128.load align=1 (local.get $a)) (v128.load align=1 (local.get $b)))))
      (if (i32.lt_u (local.get $len) (i32.const 16))
        (then
          ;; the last 0 to 15: only the first `len` lanes count
          (return (i32.eqz (i32.and
            (i32.xor (local.get $eq) (i32.const 0xFFFF))
            (i32.sub (i32.shl (i32.const 1) (local.get $len)) (i32.const 1)))))))
      (if (i32.ne (local.get $eq) (i32.const 0xFFFF)) (then (return (i32.const 0))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (local.set $len (i32.sub (local.get $len) (i32.const 16)))
      (br $vec))
    (i32.const 0))

  ;; Whether the `len` bytes at a and at b in the input are the same.
  (func (export "same") (param $a i32) (param $b i32) (param $len i32) (result i32)
    (call $same (i32.add (global.get $input) (local.get $a)) (i32.add (global.get $input) (local.get $b)) (local.get $len)))

  ;; The class of the `len` bytes at `from` in the input, or -1 when they are not in the table.
  (func (export "lookup") (param $from i32) (param $len i32) (result i32)
    (local $at i32) (local $h i32) (local $s i32) (local $slot i32)
    (local.set $at (i32.add (global.get $input) (local.get $from)))
    (local.set $h (call $hash (local.get $at) (local.get $len)))
    (local.set $s (local.get $h))
    (loop $probe
      (local.set $slot (i32.add (global.get $table) (i32.shl (i32.and (local.get $s) (i32.const 8191)) (i32.const 4))))
      (if (i32.eqz (i32.load offset=4 (local.get $slot))) (then (return (i32.const -1))))
      (if (i32.and
            (i32.eq (i32.load (local.get $slot)) (local.get $h))
            (i32.eq (i32.load offset=4 (local.get $slot)) (i32.add (local.get $len) (i32.const 1))))
        (then
          (if (call $same (local.get $at) (i32.load offset=8 (local.get $slot)) (local.get $len))
            (then (return (i32.load offset=12 (local.get $slot)))))))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $probe))
    (i32.const -1))

  ;; Enters the `len` bytes at `from` in the input with their class, copying them to `dst` in the arena.
  (func (export "remember") (param $from i32) (param $len i32) (param $class i32) (param $dst i32)
    (local $at i32) (local $h i32) (local $s i32) (local $slot i32) (local $k i32)
    (local.set $at (i32.add (global.get $input) (local.get $from)))
    (local.set $h (call $hash (local.get $at) (local.get $len)))
    (local.set $s (local.get $h))
    (loop $probe
      (local.set $slot (i32.add (global.get $table) (i32.shl (i32.and (local.get $s) (i32.const 8191)) (i32.const 4))))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br_if $probe (i32.load offset=4 (local.get $slot))))
    (i32.store (local.get $slot) (local.get $h))
    (i32.store offset=4 (local.get $slot) (i32.add (local.get $len) (i32.const 1)))
    (i32.store offset=8 (local.get $slot) (local.get $dst))
    (i32.store offset=12 (local.get $slot) (local.get $class))
    (block $copied
      (loop $copy
        (br_if $copied (i32.ge_u (local.get $k) (local.get $len)))
        (v128.store align=1 (i32.add (local.get $dst) (local.get $k)) (v128.load align=1 (i32.add (local.get $at) (local.get $k))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $copy)))))
