<?php
// Moodle drill, step 11 (Moodle side): one more student, as interop/moodle_setup.php makes them
// (password Drill-pass-1, e-mail <username>@drill.invalid), enrolled in the course "Drill".
// Idempotent; prints the user's id. Run with Moodle's PHP CLI:
//   php interop/moodle_add_student.php <moodle dir> <username> <first> <last> [<lang>]
define('CLI_SCRIPT', true);
[$self, $moodledir, $username, $first, $last, $lang] = $argv + [null, null, null, null, null, 'en'];
require($moodledir . '/config.php');
require_once($CFG->dirroot . '/user/lib.php');
require_once($CFG->libdir . '/enrollib.php');
$course = $DB->get_record('course', ['idnumber' => 'drill-course'], '*', MUST_EXIST);
$user = $DB->get_record('user', ['username' => $username]);
if (!$user) {
    $id = user_create_user((object)['username' => $username, 'password' => 'Drill-pass-1',
        'firstname' => $first, 'lastname' => $last, 'email' => "$username@drill.invalid",
        'auth' => 'manual', 'confirmed' => 1, 'mnethostid' => $CFG->mnet_localhost_id,
        'lang' => $lang]);
    $user = $DB->get_record('user', ['id' => $id]);
}
enrol_try_internal_enrol($course->id, $user->id, $DB->get_field('role', 'id', ['shortname' => 'student']));
echo json_encode(['username' => $username, 'id' => $user->id]), "\n";
