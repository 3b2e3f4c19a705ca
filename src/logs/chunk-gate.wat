;; The chunk gate's prefilter (see chunk-gate.ts): for every byte position of a piece of log, whether the four
;; bytes there could start one of the gate's words. Words are in 8 groups; a byte of the result has bit g set
;; when the position's bytes fit group g's first, second, third and fourth letters (three letters let through
;; every "time", "data" and "source" of a log: nine in ten reported positions were not words). Each letter test is split into
;; its low and high nibble, looked up 16 positions at a time with i8x16.swizzle (the "Teddy" method of
;; Hyperscan). It over-approximates: the caller checks each reported position against the group's words.
;;
;; In the same pass it notes where every LF and CR lies. Then it checks each reported position against the
;; words (the hits: exact word starts) and marks each line end whose line holds one, or is flagged by its
;; start (flaggedAtLineStart in patterns.ts): the splitter reads one array and calls nothing per line.
;;
;; Memory: tables at 0 (eight 16-byte tables: low and high nibble of the 1st to 4th letter), a 16-byte
;; scratch at 128, the count of line ends at 144 and of hits at 148, the words at 160 (a u16 address per group,
;; then each group's words as length byte and bytes, a 0 after the last), the input at `input` (up to 65,536
;; bytes, reads up to 18 past the end), the output at `output`: one u32 per reported position,
;; (position << 8) | groups, overwritten with the hits' positions, and the line ends at `ends`: one u32 per LF
;; or CR of the input, its position, | 0x10000 when the line that ends there is flagged. Returns how many
;; line ends. From 655360 on, the memory is piece-bytes.wat's, which imports it.
(module
  (memory (export "memory") 29)
  (global (export "input") i32 (i32.const 1024))
  (global (export "output") i32 (i32.const 66624))
  (global (export "ends") i32 (i32.const 328832))
  (func (export "scan") (param $len i32) (result i32)
    (local $p i32) (local $end i32) (local $out i32) (local $bits i32) (local $i i32) (local $eo i32)
    (local $h i32) (local $j i32) (local $s i32) (local $e i32) (local $c i32)
    (local $lo0 v128) (local $hi0 v128) (local $lo1 v128) (local $hi1 v128) (local $lo2 v128) (local $hi2 v128)
    (local $lo3 v128) (local $hi3 v128)
    (local $nib v128) (local $m v128) (local $v v128)
    (local.set $lo0 (v128.load (i32.const 0)))
    (local.set $hi0 (v128.load (i32.const 16)))
    (local.set $lo1 (v128.load (i32.const 32)))
    (local.set $hi1 (v128.load (i32.const 48)))
    (local.set $lo2 (v128.load (i32.const 64)))
    (local.set $hi2 (v128.load (i32.const 80)))
    (local.set $lo3 (v128.load (i32.const 96)))
    (local.set $hi3 (v128.load (i32.const 112)))
    (local.set $nib (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15))
    (local.set $p (global.get 0))
    (local.set $end (i32.add (global.get 0) (local.get $len)))
    (local.set $out (global.get 1))
    (local.set $eo (global.get 2))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        ;; first letter at p .. p+15
        (local.set $v (v128.load (local.get $p)))
        ;; line ends at p .. p+15: about one vector in four of a log holds one
        (local.set $bits (i8x16.bitmask (v128.or
          (i8x16.eq (local.get $v) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10))
          (i8x16.eq (local.get $v) (v128.const i8x16 13 13 13 13 13 13 13 13 13 13 13 13 13 13 13 13)))))
        ;; Without a branch for the common vectors (no line end, one, or a CR LF pair): the first two positions
        ;; are written whatever the mask holds and the count moves on by how many there were; a loop only for a
        ;; third and more. (A branch per vector mispredicted: which vectors hold a line end follows no pattern.)
        (i32.store (local.get $eo) (i32.sub (i32.add (local.get $p) (i32.ctz (local.get $bits))) (global.get 0)))
        (local.set $eo (i32.add (local.get $eo) (i32.shl (i32.ne (local.get $bits) (i32.const 0)) (i32.const 2))))
        (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
        (i32.store (local.get $eo) (i32.sub (i32.add (local.get $p) (i32.ctz (local.get $bits))) (global.get 0)))
        (local.set $eo (i32.add (local.get $eo) (i32.shl (i32.ne (local.get $bits) (i32.const 0)) (i32.const 2))))
        (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
        (if (local.get $bits)
          (then
            (loop $eachEnd
              (i32.store (local.get $eo)
                (i32.sub (i32.add (local.get $p) (i32.ctz (local.get $bits))) (global.get 0)))
              (local.set $eo (i32.add (local.get $eo) (i32.const 4)))
              (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
              (br_if $eachEnd (local.get $bits)))))
        (local.set $m (v128.and
          (i8x16.swizzle (local.get $lo0) (v128.and (local.get $v) (local.get $nib)))
          (i8x16.swizzle (local.get $hi0) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib)))))
        ;; second letter, one byte on
        (local.set $v (v128.load offset=1 align=1 (local.get $p)))
        (local.set $m (v128.and (local.get $m) (v128.and
          (i8x16.swizzle (local.get $lo1) (v128.and (local.get $v) (local.get $nib)))
          (i8x16.swizzle (local.get $hi1) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib))))))
        ;; third letter, two bytes on
        (local.set $v (v128.load offset=2 align=1 (local.get $p)))
        (local.set $m (v128.and (local.get $m) (v128.and
          (i8x16.swizzle (local.get $lo2) (v128.and (local.get $v) (local.get $nib)))
          (i8x16.swizzle (local.get $hi2) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib))))))
        ;; fourth letter, three bytes on
        (local.set $v (v128.load offset=3 align=1 (local.get $p)))
        (local.set $m (v128.and (local.get $m) (v128.and
          (i8x16.swizzle (local.get $lo3) (v128.and (local.get $v) (local.get $nib)))
          (i8x16.swizzle (local.get $hi3) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib))))))
        (if (v128.any_true (local.get $m))
          (then
            ;; rare: write out each position whose groups byte is not zero
            (v128.store (i32.const 128) (local.get $m))
            (local.set $bits (i8x16.bitmask (i8x16.ne (local.get $m) (v128.const i64x2 0 0))))
            (loop $each
              (local.set $i (i32.ctz (local.get $bits)))
              (i32.store (local.get $out)
                (i32.or
                  (i32.shl (i32.sub (i32.add (local.get $p) (local.get $i)) (global.get 0)) (i32.const 8))
                  (i32.load8_u offset=128 (local.get $i))))
              (local.set $out (i32.add (local.get $out) (i32.const 4)))
              (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
              (br_if $each (local.get $bits)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next)))
    ;; The reported positions that start a word, in their place (the last vector read past the input).
    (local.set $h (global.get 1))
    (local.set $j (global.get 1))
    (block $checked
      (loop $each
        (br_if $checked (i32.ge_u (local.get $j) (local.get $out)))
        (local.set $i (i32.load (local.get $j)))
        (br_if $checked (i32.ge_u (i32.shr_u (local.get $i) (i32.const 8)) (local.get $len)))
        (if (call $startsWord (i32.shr_u (local.get $i) (i32.const 8)) (i32.and (local.get $i) (i32.const 255)) (local.get $len))
          (then
            (i32.store (local.get $h) (i32.shr_u (local.get $i) (i32.const 8)))
            (local.set $h (i32.add (local.get $h) (i32.const 4)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $each)))
    (i32.store (i32.const 148) (i32.shr_u (i32.sub (local.get $h) (global.get 1)) (i32.const 2)))
    ;; Each line end within the input, marked when its line [s, e) holds a hit or is flagged by its start.
    (local.set $i (global.get 2))
    (local.set $j (global.get 1))
    (block $marked
      (loop $line
        (br_if $marked (i32.ge_u (local.get $i) (local.get $eo)))
        (local.set $e (i32.load (local.get $i)))
        (br_if $marked (i32.ge_u (local.get $e) (local.get $len)))
        (block $first
          (loop $before
            (br_if $first (i32.ge_u (local.get $j) (local.get $h)))
            (br_if $first (i32.ge_u (i32.load (local.get $j)) (local.get $s)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $before)))
        (if (i32.and (i32.lt_u (local.get $j) (local.get $h)) (i32.lt_u (i32.load (local.get $j)) (local.get $e)))
          (then (i32.store (local.get $i) (i32.or (local.get $e) (i32.const 0x10000))))
          (else
            ;; Only a line that starts with a blank, "E", a digit, "_", "=" or "-" can be flagged by its start:
            ;; most lines (and the empty one between CR and LF) are settled here, without a call.
            (if (i32.lt_u (local.get $s) (local.get $e))
              (then
                (local.set $c (i32.load8_u (i32.add (global.get 0) (local.get $s))))
                (if (i32.or
                      (i32.or
                        (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9)))
                        (i32.or (i32.eq (local.get $c) (i32.const 69)) (i32.eq (local.get $c) (i32.const 95))))
                      (i32.or
                        (i32.or (i32.eq (local.get $c) (i32.const 61)) (i32.eq (local.get $c) (i32.const 45)))
                        (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10))))
                  (then
                    (if (call $atLineStart (i32.add (global.get 0) (local.get $s)) (i32.add (global.get 0) (local.get $e)))
                      (then (i32.store (local.get $i) (i32.or (local.get $e) (i32.const 0x10000)))))))))))
        (local.set $s (i32.add (local.get $e) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $line)))
    (i32.store (i32.const 144) (i32.shr_u (i32.sub (local.get $i) (global.get 2)) (i32.const 2)))
    (i32.load (i32.const 144)))

  ;; Whether one of the words of the groups in `groups` (a bit each) starts at `pos` of the input of `len` bytes.
  (func $startsWord (param $pos i32) (param $groups i32) (param $len i32) (result i32)
    (local $w i32) (local $wl i32) (local $k i32) (local $at i32)
    (local.set $at (i32.add (global.get 0) (local.get $pos)))
    (block $none
      (loop $group
        (br_if $none (i32.eqz (local.get $groups)))
        (local.set $w (i32.load16_u offset=160 (i32.shl (i32.ctz (local.get $groups)) (i32.const 1))))
        (local.set $groups (i32.and (local.get $groups) (i32.sub (local.get $groups) (i32.const 1))))
        (block $groupDone
          (loop $word
            (local.set $wl (i32.load8_u (local.get $w)))
            (br_if $groupDone (i32.eqz (local.get $wl)))
            (if (i32.le_u (i32.add (local.get $pos) (local.get $wl)) (local.get $len))
              (then
                (local.set $k (i32.const 0))
                (block $differ
                  (loop $byte
                    (br_if $differ (i32.ne
                      (i32.load8_u offset=1 (i32.add (local.get $w) (local.get $k)))
                      (i32.load8_u (i32.add (local.get $at) (local.get $k)))))
                    (local.set $k (i32.add (local.get $k) (i32.const 1)))
                    (br_if $byte (i32.lt_u (local.get $k) (local.get $wl))))
                  (return (i32.const 1)))))
            (local.set $w (i32.add (local.get $w) (i32.add (local.get $wl) (i32.const 1))))
            (br $word)))
        (br $group)))
    (i32.const 0))

  ;; flaggedAtLineStart (patterns.ts) for the line at [s, e) of memory: "E" and a blank, "12) ", or "___",
  ;; "===", "---" first on the line.
  (func $atLineStart (param $s i32) (param $e i32) (result i32)
    (local $p i32) (local $limit i32) (local $c i32)
    (local.set $p (local.get $s))
    (local.set $limit (i32.add (local.get $s) (i32.const 16)))
    (if (i32.lt_u (local.get $e) (local.get $limit)) (then (local.set $limit (local.get $e))))
    (block $text
      (loop $blank
        (br_if $text (i32.ge_u (local.get $p) (local.get $limit)))
        (local.set $c (i32.load8_u (local.get $p)))
        (br_if $text (i32.and (i32.ne (local.get $c) (i32.const 32)) (i32.ne (local.get $c) (i32.const 9))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $blank)))
    (if (i32.ge_u (local.get $p) (local.get $e)) (then (return (i32.const 0))))
    (local.set $c (i32.load8_u (local.get $p)))
    (if (i32.eq (local.get $c) (i32.const 69))
      (then
        (if (i32.ge_u (i32.add (local.get $p) (i32.const 1)) (local.get $e)) (then (return (i32.const 0))))
        (local.set $c (i32.load8_u offset=1 (local.get $p)))
        (return (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9))))))
    (if (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10))
      (then
        (block $digitsDone
          (loop $digits
            (br_if $digitsDone (i32.ge_u (local.get $p) (local.get $e)))
            (br_if $digitsDone (i32.ge_u (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)) (i32.const 10)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $digits)))
        (if (i32.ge_u (i32.add (local.get $p) (i32.const 1)) (local.get $e)) (then (return (i32.const 0))))
        (return (i32.and
          (i32.eq (i32.load8_u (local.get $p)) (i32.const 41))
          (i32.eq (i32.load8_u offset=1 (local.get $p)) (i32.const 32))))))
    (if (i32.and
          (i32.and (i32.eq (local.get $p) (local.get $s)) (i32.lt_u (i32.add (local.get $p) (i32.const 2)) (local.get $e)))
          (i32.or (i32.eq (local.get $c) (i32.const 95)) (i32.or (i32.eq (local.get $c) (i32.const 61)) (i32.eq (local.get $c) (i32.const 45)))))
      (then
        (return (i32.and
          (i32.eq (i32.load8_u offset=1 (local.get $p)) (local.get $c))
          (i32.eq (i32.load8_u offset=2 (local.get $p)) (local.get $c))))))
    (i32.const 0)))
