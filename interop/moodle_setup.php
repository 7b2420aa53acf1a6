<?php
// Moodle drill, step 2+3 (Moodle side), run with Moodle's PHP CLI:
//   php interop/moodle_setup.php <moodle dir> <our base URL> <course key> [<course key>...]
// Idempotent. Creates course "Drill", a teacher and two students (enrolled), lets Moodle's
// curl reach 127.0.0.1 (the drill runs both sites on this machine), registers our tool
// (LTI 1.3, keyset URL, deep linking, AGS + NRPS, new window), adds a plain resource-link
// activity per course key with custom parameter course=<key> (grade out of 100) and prints the values our
// PlatformRegistration needs, as JSON.
define('CLI_SCRIPT', true);
[$self, $moodledir, $ours, $coursekey] = $argv + [null, null, null, null];
$coursekeys = array_slice($argv, 3);
if (!$coursekey) {
    fwrite(STDERR, "usage: php moodle_setup.php <moodle dir> <our base URL> <course key>\n");
    exit(2);
}
$ours = rtrim($ours, '/');
require($moodledir . '/config.php');
require_once($CFG->dirroot . '/course/lib.php');
require_once($CFG->dirroot . '/user/lib.php');
require_once($CFG->libdir . '/enrollib.php');
require_once($CFG->dirroot . '/mod/lti/locallib.php');
\core\session\manager::set_user(get_admin());

// Both sites on 127.0.0.1 with non-standard ports: Moodle's curl security blocks these by default
// (curlsecurityblockedhosts lists 127.0.0.0/8, localhost; allowed ports are 80 and 443).
set_config('curlsecurityblockedhosts', '');
set_config('curlsecurityallowedport', '');
// User tours cover the screenshots: off.
$DB->set_field('tool_usertours_tours', 'enabled', 0);
cache::make('tool_usertours', 'tourdata')->purge();

$category = $DB->get_record('course_categories', ['idnumber' => 'drill']);
if (!$category) {
    $category = core_course_category::create(['name' => 'Drill', 'idnumber' => 'drill']);
}
// (The site itself is "Drill" too, shortname included: the course is found by its idnumber.)
$course = $DB->get_record('course', ['idnumber' => 'drill-course']);
if (!$course) {
    $course = create_course((object)['fullname' => 'Drill', 'shortname' => 'Drill course',
        'idnumber' => 'drill-course',
        'category' => $category->id, 'format' => 'topics', 'numsections' => 1]);
}

// Romanian: the language pack cannot be downloaded here. A pack with only its langconfig.php
// makes 'ro' an installed language (every other string falls back to English), which is all
// the launch needs: Moodle sends the user's language as launch_presentation.locale.
$rodir = $CFG->dataroot . '/lang/ro';
if (!get_string_manager()->translation_exists('ro', false)) {
    @mkdir($rodir, 02777, true);
    file_put_contents($rodir . '/langconfig.php', "<?php\n\$string['thislanguage'] = 'Română';\n"
        . "\$string['thislanguageint'] = 'Romanian';\n\$string['parentlanguage'] = '';\n"
        . "\$string['locale'] = 'ro_RO.UTF-8';\n\$string['localewin'] = 'Romanian_Romania.1250';\n"
        . "\$string['alphabet'] = 'A,Ă,Â,B,C,D,E,F,G,H,I,Î,J,K,L,M,N,O,P,Q,R,S,Ș,T,Ț,U,V,W,X,Y,Z';\n");
    get_string_manager()->reset_caches();
}

$users = [];
foreach ([['teacher1', 'Tina', 'Teacher', 'en', 'editingteacher'],
          ['student_en', 'Emma', 'English', 'en', 'student'],
          ['student_ro', 'Radu', 'Romanescu', 'ro', 'student']] as [$username, $first, $last, $lang, $role]) {
    $user = $DB->get_record('user', ['username' => $username]);
    if (!$user) {
        $id = user_create_user((object)['username' => $username, 'password' => 'Drill-pass-1',
            'firstname' => $first, 'lastname' => $last, 'email' => "$username@drill.invalid",
            'auth' => 'manual', 'confirmed' => 1, 'mnethostid' => $CFG->mnet_localhost_id,
            // 'ro' needs the Romanian language pack, which cannot be downloaded here: Moodle
            // falls back to 'en' for this user if the pack is missing.
            'lang' => get_string_manager()->translation_exists($lang) ? $lang : 'en']);
        $user = $DB->get_record('user', ['id' => $id]);
    }
    if ($user->lang !== $lang && get_string_manager()->translation_exists($lang, false)) {
        $DB->set_field('user', 'lang', $lang, ['id' => $user->id]);
    }
    $roleid = $DB->get_field('role', 'id', ['shortname' => $role]);
    enrol_try_internal_enrol($course->id, $user->id, $roleid);
    $users[$username] = $user->id;
}

// DRILL_TOOL_NAME / DRILL_ACTIVITY_PREFIX: a second registration of our tool at another address
// (the cross-site and HTTPS variants of the launch) gets its own tool type and activities.
$toolname = getenv('DRILL_TOOL_NAME') ?: 'E-learning drill tool';
$prefix = getenv('DRILL_ACTIVITY_PREFIX') ?: 'Drill course';
$type = $DB->get_record('lti_types', ['name' => $toolname]);
if (!$type) {
    $t = new stdClass();
    $t->state = LTI_TOOL_STATE_CONFIGURED;
    $c = new stdClass();
    $c->lti_typename = $toolname;
    $c->lti_toolurl = "$ours/lti/launch/";
    $c->lti_ltiversion = LTI_VERSION_1P3;
    $c->lti_keytype = LTI_JWK_KEYSET;
    $c->lti_publickeyset = "$ours/lti/jwks.json";
    $c->lti_initiatelogin = "$ours/lti/login/";
    $c->lti_redirectionuris = "$ours/lti/launch/\n$ours/lti/deep-link/";
    $c->lti_contentitem = 1;
    $c->lti_toolurl_ContentItemSelectionRequest = "$ours/lti/deep-link/";
    $c->lti_launchcontainer = LTI_LAUNCH_CONTAINER_WINDOW;
    $c->lti_coursevisible = LTI_COURSEVISIBLE_ACTIVITYCHOOSER;
    $c->lti_sendname = LTI_SETTING_ALWAYS;
    $c->lti_sendemailaddr = LTI_SETTING_ALWAYS;
    $c->lti_acceptgrades = LTI_SETTING_ALWAYS;
    $c->lti_customparameters = '';
    $c->ltiservice_gradesynchronization = 2;   // "Use this service for grade sync and column management"
    $c->ltiservice_memberships = 1;            // "Use this service to retrieve members' information"
    $c->ltiservice_toolsettings = 0;
    $c->lti_forcessl = 0;
    $typeid = lti_add_type($t, $c);
    $type = $DB->get_record('lti_types', ['id' => $typeid]);
}

// A plain resource link per course (the fallback to deep linking): custom parameter course=<key>.
$cmids = [];
foreach ($coursekeys as $n => $key) {
    $name = $n === 0 ? "$prefix (resource link)" : "$prefix " . ($n + 1) . ' (resource link)';
    $cm = $DB->get_record('lti', ['course' => $course->id, 'name' => $name]);
    if (!$cm) {
        $mod = create_module((object)[
            'modulename' => 'lti', 'course' => $course->id, 'section' => 1, 'visible' => 1,
            'name' => $name,
            'introeditor' => ['text' => '', 'format' => FORMAT_HTML, 'itemid' => 0],
            'typeid' => $type->id, 'toolurl' => '', 'securetoolurl' => '',
            'instructorcustomparameters' => "course=$key",
            'launchcontainer' => LTI_LAUNCH_CONTAINER_WINDOW,
            'instructorchoicesendname' => 1, 'instructorchoicesendemailaddr' => 1,
            'instructorchoiceacceptgrades' => 1, 'grade' => 100, 'gradecat' => 0,
            'showtitlelaunch' => 1, 'showdescriptionlaunch' => 0, 'icon' => '', 'secureicon' => '',
        ]);
        $cm = $DB->get_record('lti', ['id' => $mod->instance]);
    }
    $cmids[$key] = (int)get_coursemodule_from_instance('lti', $cm->id, $course->id)->id;
}
$cmid = reset($cmids);

echo json_encode([
    'moodle_release' => $CFG->release,
    'issuer' => $CFG->wwwroot,
    'client_id' => $type->clientid,
    'deployment_id' => (string)$type->id,
    'jwks_url' => "$CFG->wwwroot/mod/lti/certs.php",
    'token_url' => "$CFG->wwwroot/mod/lti/token.php",
    'auth_url' => "$CFG->wwwroot/mod/lti/auth.php",
    'course_id' => (int)$course->id,
    'cmid' => $cmid,
    'cmids' => $cmids,
    'users' => $users,
], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n";
