/**
 * The source keys of the clinical reference (`shared/clinical-reference.md`, "Sources"), so
 * that every rule can say where its numbers come from and the dashboard and README can
 * show it. `PROJECT` marks a default this project chose where no published threshold
 * exists (say so to the clinic; it is theirs to set).
 */
import { z } from 'zod';

export const SourceKey = z.enum([
  'K1',
  'K2',
  'K3',
  'K4',
  'K5',
  'K6',
  'K7',
  'K8',
  'K9',
  'K10',
  'K11',
  'K12',
  'K13',
  'K14',
  'K15',
  'K16',
  'K17',
  'K18',
  'K19',
  'K20',
  'NS1',
  'TP1',
  'TP5',
  'TP6',
  'TP11',
  'S1',
  'S2',
  'S3',
  'S4',
  'S5',
  'PROJECT',
]);
export type SourceKey = z.infer<typeof SourceKey>;

/** Short citations for display; the full references are in the clinical reference. */
export const SOURCE_LABELS: Record<SourceKey, string> = {
  K1: 'ADA Standards of Care 2024, section 6 (glycemic goals and hypoglycemia)',
  K2: 'International Hypoglycaemia Study Group, Diabetes Care 2017',
  K3: 'Battelino et al., International Consensus on Time in Range, Diabetes Care 2019',
  K4: 'Hornborg Svensson et al., Diabetes Technol Ther 2022 (CGM hypoglycaemia event definition)',
  K5: 'Dexcom G4 PLATINUM User Guide, section 8.2 (rate of change arrows)',
  K6: 'Royal College of Physicians, NEWS2, 2017',
  K7: 'Whelton et al., ACC/AHA high blood pressure guideline 2017',
  K8: 'Unger et al., ISH global hypertension guidelines 2020',
  K9: 'Gudmundsson et al., ESC 2019; HeartPhone individualised weight monitoring',
  K10: 'Cooper et al., remote monitoring for COPD exacerbations, Int J COPD 2020',
  K11: 'Sendelbach and Funk, alarm fatigue, AACN Adv Crit Care 2013',
  K12: 'The Joint Commission, Sentinel Event Alert 50, 2013',
  K13: 'Bonafide et al., alarm fatigue and response time, J Hosp Med 2015',
  K14: 'Welch, reducing nuisance alarms, Biomed Instrum Technol 2011',
  K15: 'Lansdowne et al., SpO2 alarm delays and limits, BMC Nursing 2016',
  K16: 'Shivers et al., diabetes device alarm fatigue, J Diabetes Sci Technol 2013',
  K17: 'van Steenkiste et al., telemonitoring alert reduction, JMIR Med Inform 2025',
  K18: 'IDF Diabetes Atlas, 10th edition, 2021',
  K19: 'Pakistan draft Personal Data Protection Bill 2023',
  K20: 'McDonagh et al., ESC heart failure guidelines 2021 (self-care: weight gain > 2 kg in 3 days)',
  NS1: 'Nightscout cgm-remote-monitor alarm defaults',
  TP1: 'Tidepool platform, continuous glucose data type',
  TP5: 'Tidepool platform, alert configuration',
  TP6: 'Tidepool platform, glucose summary buckets',
  TP11: 'Tidepool support, clinical glycemic targets',
  S1: 'HL7 FHIR Personal Health Device IG',
  S2: 'HL7 FHIR CGM IG',
  S3: 'IEEE 11073-10101 nomenclature',
  S4: 'FHIR R4 vital signs profile',
  S5: 'LOINC',
  PROJECT: 'Project default without a published threshold: to be reviewed by the clinic',
};
